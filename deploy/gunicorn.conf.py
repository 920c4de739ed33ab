# For running the node under your own gunicorn:
#   WIJKNET_INSTANCE=/var/lib/wijknet/node gunicorn -c deploy/gunicorn.conf.py 'node.app:create_app()'
# `wijknet node run` does the same with these settings built in.

bind = "127.0.0.1:8080"
workers = 1
threads = 4
worker_class = "gthread"
timeout = 60
graceful_timeout = 10
accesslog = "-"
forwarded_allow_ips = "127.0.0.1"


def post_worker_init(worker):
    # Every worker offers to run the scheduled jobs; a lock lets exactly one do so.
    from node.jobs import start_node_scheduler

    start_node_scheduler(worker.wsgi)
