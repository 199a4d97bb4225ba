"""A test-only e-mail backend: the file backend, slowed down (SLOW_MAIL_SECONDS) before it writes.

A worker process selects it with EMAIL_BACKEND=tests.integration.slow_mail.SlowFileBackend, so the
test can kill the worker while a message is being sent, before anything reached the outbox.
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        return super().send_messages(email_messages)
