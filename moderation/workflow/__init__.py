"""Two-person moderation: workflow tasks, approval services, review screen, panels."""
