# expect: forbidden
# reaches for globals through str.format field access on a function
def f():
    pass
fmt = '{0.__globals__[__builtins__]}'
leak = str.format(fmt, f)
