# Django's Italian DATETIME_FORMAT starts with the weekday ("Sabato 05 Dicembre 2026 18:00"),
# which reads wrongly inside a sentence ("Scade il Sabato 05 ..."), and its dates keep a leading
# zero the day has nowhere else on the site. Italian prose writes "5 dicembre 2026".
DATE_FORMAT = "j F Y"  # 5 dicembre 2026
DATETIME_FORMAT = "j F Y, H:i"  # 5 dicembre 2026, 18:00
