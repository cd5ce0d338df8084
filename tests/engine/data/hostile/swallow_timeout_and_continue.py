# expect: timeout
# tries to catch the time limit with every reachable exception class and keep computing
count = 0
for _ in range(1000):
    try:
        while True:
            count += 1
    except (Exception, ArithmeticError, RuntimeError, StopIteration):
        pass
result = count
