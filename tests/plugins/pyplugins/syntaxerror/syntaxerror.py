import livepix

def broken(:
    pass
