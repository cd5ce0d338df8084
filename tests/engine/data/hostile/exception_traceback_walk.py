# expect: forbidden
try:
    boom = 1 / 0
except ZeroDivisionError as e:
    tb = e.__traceback__
    while tb.tb_next:
        tb = tb.tb_next
    leaked = tb.tb_frame.f_back.f_globals
