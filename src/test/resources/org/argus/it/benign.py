# Busy but benign traffic for BenignMixIT: `benign.py servers DIR` runs the server side in one namespace, `benign.py
# clients SERVERS SECONDS` the client side in another. Web pages, software updates and a backup job go through curl
# (a real HTTP client); DNS, NTP, a one-way video stream and mDNS/SSDP chatter are small UDP exchanges written here.
import os, random, socket, subprocess, sys, tempfile, threading, time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


def udp_answer(port, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(b"a" * size, peer)


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_PUT(self):  # the backup job's uploads
        n = int(self.headers.get("Content-Length", 0))
        self.rfile.read(n)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()


def servers(folder):
    os.chdir(folder)
    for name, size in [("page%d.html" % i, 2000 + 700 * i) for i in range(40)] + [("update.deb", 20_000_000)]:
        with open(name, "wb") as f:
            f.write(os.urandom(size))
    for port, size in ((53, 120), (123, 48)):
        threading.Thread(target=udp_answer, args=(port, size), daemon=True).start()
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # the video receiver: an open port, no answers
    sink.bind(("0.0.0.0", 5004))
    threading.Thread(target=lambda: [sink.recv(2048) for _ in iter(int, 1)], daemon=True).start()
    for port in (80, 8080):
        threading.Thread(target=ThreadingHTTPServer(("0.0.0.0", port), Quiet).serve_forever, daemon=True).start()
    threading.Event().wait()


def curl(*args):
    subprocess.run(["curl", "-s", "-o", "/dev/null", "--max-time", "20", *args], check=False)


def clients(hosts, seconds):
    hosts = hosts.split(",")
    end = time.time() + seconds
    rnd = random.Random(7)

    def browse():  # pages from several sites, six at a time like a browser, with pauses
        while time.time() < end:
            site = rnd.choice(hosts)
            urls = ["http://%s/page%d.html" % (site, rnd.randrange(40)) for _ in range(rnd.randint(4, 12))]
            curl("--parallel", "--parallel-max", "6", *urls)
            time.sleep(rnd.uniform(0.2, 1.5))

    def updates():  # a package download now and then
        while time.time() < end:
            curl("--limit-rate", "4M", "http://%s/update.deb" % rnd.choice(hosts))
            time.sleep(2)

    def backup():  # many short uploads to one server
        with tempfile.NamedTemporaryFile(prefix="argus-benign-") as f:
            f.write(os.urandom(64_000))
            f.flush()
            while time.time() < end:
                curl("-T", f.name, "http://%s:8080/chunk" % hosts[0])

    def dns_ntp():  # lookups to one resolver, time from a pool of four
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1)
        n = 0
        while time.time() < end:
            s.sendto(b"q" * 40, (hosts[0], 53))
            s.recvfrom(2048)
            if n % 50 == 0:
                s.sendto(b"n" * 48, (hosts[n // 50 % 4], 123))
                s.recvfrom(2048)
            n += 1
            time.sleep(0.05)

    def video():  # a one-way stream of large datagrams, ~600 per second
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        while time.time() < end:
            for _ in range(60):
                s.sendto(b"v" * 1300, (hosts[1], 5004))
            time.sleep(0.1)

    def chatter():  # mDNS and SSDP announcements
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        while time.time() < end:
            s.sendto(b"m" * 200, ("224.0.0.251", 5353))
            s.sendto(b"M-SEARCH * HTTP/1.1\r\n", ("239.255.255.250", 1900))
            time.sleep(1)

    threads = [threading.Thread(target=t) for t in (browse, browse, updates, backup, dns_ntp, video, chatter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    if sys.argv[1] == "servers":
        servers(sys.argv[2])
    else:
        clients(sys.argv[2], float(sys.argv[3]))
