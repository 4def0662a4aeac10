# Reflectors for AttackClassesIT, run in their own namespace: on each address given, UDP services on ports 47808
# (BACnet) and 500 (ISAKMP) that answer every datagram with 1200 bytes (amplification), and TCP port 80 listening
# (SYNs sent in someone else's name come back to them as SYN-ACKs: TCP reflection).
import socket, threading, sys

def udp(addr, port, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(2048)
        try:
            s.sendto(b"R" * size, peer)
        except OSError:
            pass
for addr in sys.argv[1:]:
    for port in (47808, 500):
        threading.Thread(target=udp, args=(addr, port, 1200), daemon=True).start()
t = socket.socket()
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("0.0.0.0", 80))
t.listen(4096)
threading.Event().wait()
