"""The default acceptance chains per plan level, as practice runs them (offices may change them in admin)."""

from django.db import migrations

DEFAULTS = {
    # 004 and 祁连山: 责任单位自查（the request）→ 县级初验 → 市级核查认定 → 省级复核 → 公示 → 销号
    "county": (
        "县级整改方案验收销号流程",
        [
            ("县级初验", "review", "county"),
            ("市级核查认定", "review", "city"),
            ("省级复核", "review", "province"),
            ("公示", "notice", "plan_office"),
            ("销号", "sign_off", "plan_office"),
        ],
    ),
    # 市级验收 → 公示 → 省级备案销号
    "city": (
        "市级整改方案验收销号流程",
        [("市级验收", "review", "city"), ("公示", "notice", "plan_office"), ("省级备案销号", "sign_off", "province")],
    ),
    "province": (
        "省级整改方案验收销号流程",
        [("省级验收", "review", "province"), ("公示", "notice", "plan_office"), ("销号", "sign_off", "plan_office")],
    ),
}


def create(apps, schema_editor):
    Chain = apps.get_model("acceptance", "AcceptanceChain")
    Step = apps.get_model("acceptance", "ChainStep")
    for level, (name, steps) in DEFAULTS.items():
        chain = Chain.objects.create(name=name, plan_level=level, notice_workdays=5)
        for position, (step_name, kind, actor) in enumerate(steps):
            Step.objects.create(chain=chain, position=position, name=step_name, kind=kind, actor_level=actor)


def remove(apps, schema_editor):
    apps.get_model("acceptance", "AcceptanceChain").objects.filter(plan=None, plan_level__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("acceptance", "0001_acceptance_chains_requests_notices_lookback")]
    operations = [migrations.RunPython(create, remove)]
