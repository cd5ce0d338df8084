# expect: memory
big = 'y' * 900000
keep = [big + str(i) for i in range(10**6)]
