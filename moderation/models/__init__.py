from .workflow import ApprovalTask, ApprovalTaskState, ConsentCheckTask  # noqa: F401
