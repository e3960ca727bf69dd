"""Scrapy settings for the xxgk crawler: polite by default.

robots.txt is obeyed, AutoThrottle adapts the pace to each host, at most two requests
run at once per host, and the user agent says who we are. Tests and the bench switch
throttling off with `-s AUTOTHROTTLE_ENABLED=0 -s DOWNLOAD_DELAY=0`.
"""

from xxgk import __version__, config

BOT_NAME = "xxgk"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    f"xxgk/{__version__} (government information disclosure annual report archiver; "
    "+https://github.com/xxgk/xxgk)"
)
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
}

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 60
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy's list without CannotResolveHostError: a name that does not resolve fails at
# once (retrying a dead host's DNS cost 30 s per host and never helped).
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    OSError,
    "scrapy.core.downloader.handlers.http11.TunnelError",
]
# xxgk's own settings: defaults and meanings in the one table of xxgk/config.py
XXGK_RETRY_AFTER_MAX = config.default("XXGK_RETRY_AFTER_MAX")  # longer `Retry-After`: next run
XXGK_GIVE_UP_AFTER = config.default("XXGK_GIVE_UP_AFTER")  # failed runs before a document is given up
XXGK_MAX_CHALLENGES = config.default("XXGK_MAX_CHALLENGES")  # anti-bot challenges before a portal stops
XXGK_RETRY_BACKOFF = config.default("XXGK_RETRY_BACKOFF")  # seconds before the first retry

COOKIES_ENABLED = True  # portals set session cookies (JSESSIONID, zh_choose_*)
METAREFRESH_ENABLED = True  # `<meta http-equiv=refresh>` stubs are followed
METAREFRESH_MAXDELAY = 100
REDIRECT_MAX_TIMES = 10
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024

# The spider de-duplicates its own requests (by frontier key): a request Scrapy's
# dupefilter dropped silently (a redirect to a URL seen before) would stay owed forever.
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"

# Only http and https: no file://, ftp://, s3:// or data: requests, whatever a page links.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.hosts.HostPolicyMiddleware": 40,  # before robots.txt: a refused host is never asked
    "crawler.middlewares.PortalRobotsMiddleware": 50,  # before RobotsTxtMiddleware (100)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.BackoffDelayMiddleware": 560,
    "crawler.middlewares.AntiBotMiddleware": 590,
}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 300,
}

# Where the raw document store lives (`xxgk crawl --data`, $XXGK_DATA: the same folder
# for `xxgk` and `scrapy crawl`); the database defaults to <data>/xxgk.db. Scrapy builds
# its settings here, so this is one of the edges that read the environment.
XXGK_DATA = config.data_dir()
XXGK_DB = config.default("XXGK_DB")
XXGK_REGISTRY = config.registry_path()  # default: crawler/portals.json
XXGK_DEMO_URL = config.value("XXGK_DEMO_URL")  # base URL of `xxgk demo-portal` for the demo entries

LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

EXTENSIONS = {"crawler.extensions.Progress": 500}
XXGK_PROGRESS = config.default("XXGK_PROGRESS")  # `xxgk crawl` turns it on
XXGK_PROGRESS_INTERVAL = config.default("XXGK_PROGRESS_INTERVAL")
TELNETCONSOLE_ENABLED = False
