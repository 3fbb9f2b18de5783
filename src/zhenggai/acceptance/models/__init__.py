from zhenggai.acceptance.models.calendar import WorkdayOverride
from zhenggai.acceptance.models.chains import AcceptanceChain, ChainStep
from zhenggai.acceptance.models.lookback import LookbackCampaign, LookbackFinding, Reopening
from zhenggai.acceptance.models.notices import Objection, PublicNotice
from zhenggai.acceptance.models.requests import AcceptanceAttachment, AcceptanceRequest, StepDecision

__all__ = [
    "AcceptanceAttachment",
    "AcceptanceChain",
    "AcceptanceRequest",
    "ChainStep",
    "LookbackCampaign",
    "LookbackFinding",
    "Objection",
    "PublicNotice",
    "Reopening",
    "StepDecision",
    "WorkdayOverride",
]
