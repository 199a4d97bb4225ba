# Django's Ukrainian MONTH_DAY_FORMAT uses the nominative month ("05 Грудень"); after a day
# Ukrainian needs the genitive ("5 грудня"), as its DATE_FORMAT already has.
MONTH_DAY_FORMAT = "j E"  # 5 грудня
