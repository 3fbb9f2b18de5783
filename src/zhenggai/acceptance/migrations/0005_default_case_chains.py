"""The default acceptance chains of complaint cases (交办信访件), per level of the case's home jurisdiction.

Practice: the county (or district) that handled the case checks it first, the city reviews it, and the
office that received the batch publishes the closure (办结公示) and signs it off; a case handled at city
or province level starts at that level. Offices may change them in admin.
"""

from django.db import migrations

DEFAULTS = {
    "county": (
        "县级信访件验收销号流程",
        [
            ("县级初验", "review", "county"),
            ("市级审核", "review", "city"),
            ("办结公示", "notice", "plan_office"),
            ("销号", "sign_off", "plan_office"),
        ],
    ),
    "city": (
        "市级信访件验收销号流程",
        [("市级验收", "review", "city"), ("办结公示", "notice", "plan_office"), ("销号", "sign_off", "plan_office")],
    ),
    "province": (
        "省级信访件验收销号流程",
        [("省级验收", "review", "province"), ("办结公示", "notice", "plan_office"), ("销号", "sign_off", "plan_office")],
    ),
}


def create(apps, schema_editor):
    Chain = apps.get_model("acceptance", "AcceptanceChain")
    Step = apps.get_model("acceptance", "ChainStep")
    for level, (name, steps) in DEFAULTS.items():
        chain = Chain.objects.create(name=name, subject="case", plan_level=level, notice_workdays=5)
        for position, (step_name, kind, actor) in enumerate(steps):
            Step.objects.create(chain=chain, position=position, name=step_name, kind=kind, actor_level=actor)


def remove(apps, schema_editor):
    apps.get_model("acceptance", "AcceptanceChain").objects.filter(subject="case", plan=None).delete()


class Migration(migrations.Migration):
    dependencies = [("acceptance", "0004_chains_and_requests_for_cases")]
    operations = [migrations.RunPython(create, remove)]
