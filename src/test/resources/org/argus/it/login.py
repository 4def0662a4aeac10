# A web login form for AttackClassesIT's HTTP brute force: `login.py ADDRESS PORT`. Every POST fails with the same
# page, as a real login form answers a wrong password; HTTP/1.1 with keep-alive, as real servers offer.
import sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

PAGE = b"<html><body><form method=post action=/login><input name=user><input name=pass type=password></form>%s</body></html>"

class Login(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(200, PAGE % b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.reply(200, PAGE % b"<p>Login failed</p>")

    def log_message(self, *args):
        pass

ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Login).serve_forever()
