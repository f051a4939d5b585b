"""The two-factor step-up, as the approval screen needs it (P4).

The one place the workflow touches the two-factor contract
(``moderation.two_factor.step_up``): is the approver's code fresh, where to send them
if not, and which device proved it (recorded with the approval).
"""

from datetime import UTC, datetime

from django.http import HttpRequest

from moderation.two_factor.step_up import (
    STEP_UP_SESSION_KEY,
    is_step_up_fresh,
)
from moderation.workflow.services import StepUpEvidence


def step_up_evidence(request: HttpRequest) -> StepUpEvidence | None:
    """The device and time of this session's fresh code, or None when not fresh."""
    if not is_step_up_fresh(request):
        return None
    device = getattr(request.user, "otp_device", None)
    if device is None:
        return None
    verified_at = request.session.get(STEP_UP_SESSION_KEY)
    return StepUpEvidence(
        device_persistent_id=device.persistent_id,
        device_name=device.name,
        verified_at=datetime.fromtimestamp(verified_at, tz=UTC),
    )
