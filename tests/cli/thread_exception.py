import threading
def boom():
    raise ValueError("worker failed")
t = threading.Thread(target=boom, name="boomer")
t.start()
t.join()
