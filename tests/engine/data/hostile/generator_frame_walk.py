# expect: forbidden
# classic escape: walk from a generator frame to the caller's globals / builtins
g = (x for x in [1])
frame = g.gi_frame.f_back
os = frame.f_globals['__builtins__']['__import__']('os')
