# expect: memory
# smuggles the guarded ljust out as a plain value, then calls it later via map
pad = 'x'.ljust
widths = [10, 10**10]
padded = list(map(pad, widths))
