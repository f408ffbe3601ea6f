"""Run in an import worker's process by a test: what the process had imported before its work began."""

import os
import sys


def report(answers) -> None:
    """Put this process's parent and whether the export reader was imported already (this module imports none of it)."""
    answers.put((os.getppid(), "wa_pipeline.whatsapp.chat_export" in sys.modules))
