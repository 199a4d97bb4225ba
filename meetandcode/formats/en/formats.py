# English as the programme has always written it: "5 December 2026", "5 December 2026, 18:00",
# 24-hour times. Django's own "en" formats are American ("Dec. 5, 2026, 6 p.m.").
DATE_FORMAT = "j F Y"  # 5 December 2026
TIME_FORMAT = "H:i"  # 18:00
DATETIME_FORMAT = "j F Y, H:i"  # 5 December 2026, 18:00
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 5 December
SHORT_DATE_FORMAT = "d/m/Y"  # 05/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 05/12/2026 18:00
FIRST_DAY_OF_WEEK = 1  # Monday
