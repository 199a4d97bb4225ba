# Django's Polish SHORT_DATETIME_FORMAT has two spaces between the date and the time.
SHORT_DATETIME_FORMAT = "d-m-Y H:i"  # 05-12-2026 18:00
