"""gunicorn settings for `make serve` (override any with GUNICORN_CMD_ARGS or the environment)."""
import multiprocessing
import os

bind = os.environ.get("DANGJIAN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DANGJIAN_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("DANGJIAN_WEB_THREADS", 2))
timeout = int(os.environ.get("DANGJIAN_WEB_TIMEOUT", 60))
graceful_timeout = 20
# Idle keep-alive connections are held longer than a client or nginx keeps its own (nginx: 75 s): a
# connection closed by the server at the moment a client reuses it is reset — the load test saw 2 of
# 1,265 requests fail with "Connection reset by peer" at gunicorn's default of 2 s.
keepalive = int(os.environ.get("DANGJIAN_WEB_KEEPALIVE", 75))
max_requests = 2000
max_requests_jitter = 200
wsgi_app = "dangjian.wsgi:application"
accesslog = "-"
errorlog = "-"
# One JSON object per request line, like the application's own logs (DANGJIAN_LOG_FORMAT=json).
access_log_format = ('{"time":"%(t)s","logger":"gunicorn.access","remote":"%(h)s","method":"%(m)s",'
                     '"path":"%(U)s","status":%(s)s,"bytes":"%(B)s","ms":%(M)s,"agent":"%(a)s"}')
forwarded_allow_ips = os.environ.get("DANGJIAN_FORWARDED_ALLOW_IPS", "127.0.0.1")
