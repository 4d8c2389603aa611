/* limits.h: every size, count and time limit of Signaal, in one place.
 *
 * Input is checked against these before anything is allocated for it.
 * Over a limit the server answers 400, 413 or 431; the CLI exits 1. */
#ifndef SIGNAAL_LIMITS_H
#define SIGNAAL_LIMITS_H

/* Growable buffers never exceed this (rendered pages, exports). */
#define BUF_MAX (64u * 1024u * 1024u)

/* --- HTTP connection ------------------------------------------------- */
/* Bytes of request line plus headers; over it: 431. */
#define HTTP_MAX_HEADER_BYTES (8u * 1024u)
/* Connections the kernel queues before they are accepted. */
#define HTTP_LISTEN_BACKLOG 511
/* Count of request headers; over it: 431. */
#define HTTP_MAX_HEADERS 64u
/* Bytes of a request body; over it: 413. Holds a report with every text
 * at its longest, percent-encoded in a form or \u-escaped in JSON (12
 * bytes a character at worst), with the other fields (REPORT_MAX_TEXT). */
#define HTTP_MAX_BODY_BYTES (192u * 1024u)
/* Bytes of an over-limit body read and dropped to be able to answer 413;
 * beyond it the connection is closed without an answer. */
#define HTTP_DRAIN_MAX_BYTES (1024u * 1024u)
/* Bytes of a request path (decoded, without query); over it: 414. */
#define HTTP_MAX_PATH_BYTES 1024u
/* Count of query or form fields in one request; over it: 400. */
#define HTTP_MAX_FIELDS 128u
/* Bytes of one query or form field name; over it: 400. */
#define HTTP_MAX_FIELD_NAME 64u
/* Bytes of one query or form field value; over it: 400. Holds the longest
 * description (REPORT_MAX_DESCRIPTION characters of up to 4 bytes). */
#define HTTP_MAX_FIELD_VALUE (40u * 1024u)
/* Bytes of one cookie header value considered. */
#define HTTP_MAX_COOKIE_BYTES 1024u
/* Simultaneous connections the server accepts. */
#define HTTP_MAX_CONNECTIONS 512u
/* Simultaneous connections from one source (an IPv4 address or an IPv6
 * /64, as a keyed hash in memory only). A browser opens at most 6; a
 * school or a mobile carrier's NAT puts many people behind one address.
 * The trusted proxy is exempt (its own limit_conn applies). 0: no limit. */
#define HTTP_MAX_CONNECTIONS_PER_SOURCE 32u
/* Seconds a client has to send a request's headers from its connection,
 * however slowly it trickles them; over it the connection is cut. On a
 * kept-alive connection the next request's headers must be complete
 * HTTP_CONNECTION_TIMEOUT_S plus this after the previous answer. */
#define HTTP_HEADER_TIMEOUT_S 10u
/* Seconds a client has to send a request's body after its headers (the
 * longest report, HTTP_MAX_BODY_BYTES, at a slow 64 kbit/s takes 25 s). */
#define HTTP_BODY_TIMEOUT_S 30u
/* A connection still sending its headers after this many milliseconds
 * counts as idle: at the connection limit it may be cut for a new client.
 * A browser sends its request at once; one that waited in the kernel's
 * backlog has it there already when it is accepted. Only a slow-header
 * attack, or a very slow link while the server is full, is still
 * sending after this. */
#define HTTP_HEADERS_IDLE_AFTER_MS 250u
/* Milliseconds after which a connection handed to libmicrohttpd but never
 * taken in by it is forgotten (it dropped it without a word). */
#define HTTP_PENDING_STALE_MS 10000u
/* Milliseconds every 429 (a throttled source) is held before it is sent,
 * its connection suspended and no thread waiting (http/tarpit.h): a
 * source that keeps asking gets at most its connections' worth of
 * refusals a second instead of all the CPU it can take. */
#define HTTP_THROTTLED_DELAY_MS 1000u
/* Answers held at once at most; beyond it they are sent without delay. */
#define HTTP_TARPIT_MAX 4096u
/* Milliseconds between two checks of the deadlines above. */
#define HTTP_REAP_INTERVAL_MS 250u
/* libmicrohttpd's own log lines written per minute at most; a flood of
 * broken connections would otherwise fill the disk. */
#define HTTP_LIB_LOG_PER_MINUTE 30u
/* Memory libmicrohttpd may use per connection (headers + read buffer). */
#define HTTP_CONNECTION_MEMORY (32u * 1024u)
/* Seconds of inactivity before a connection is closed. */
#define HTTP_CONNECTION_TIMEOUT_S 15u
/* Default worker threads per online CPU when the store is PostgreSQL
 * ([server] threads = 0; main.c says why). */
#define HTTP_THREADS_PER_CPU_REMOTE 2u
/* Worker threads of the server (internal thread pool). */
#define HTTP_THREADS 4u
/* Seconds SIGTERM waits for requests in flight before exiting anyway. */
#define HTTP_DRAIN_TIMEOUT_S 10u
/* An HTML answer shorter than this goes out uncompressed: gzip saves too
 * little on it to pay for a compression per request. */
#define HTTP_GZIP_MIN_BYTES 1024u
/* Rendered pages the server keeps for cacheable routes (one per
 * organisation, path and language); past it pages are rendered per request
 * again. */
#define RESP_CACHE_MAX 512u
/* Pages kept by key for answers that depend only on their inputs (the
 * wegwijzer: language x role x danger x form x anonymity = 240, per
 * organisation). */
#define SITE_PAGE_CACHE_MAX 1024u
/* Bytes of such a page's key (organisation, language and inputs). */
#define SITE_PAGE_KEY_MAX 256u
/* Path parameters one route pattern may capture. */
#define ROUTE_MAX_PARAMS 4u

/* --- Static files ---------------------------------------------------- */
/* Largest static file served (they are held in memory). */
#define STATIC_MAX_FILE_BYTES (2u * 1024u * 1024u)
/* Count of static files loaded at start. */
#define STATIC_MAX_FILES 256u
/* Cache lifetime, seconds, of fingerprinted assets (a year). */
#define STATIC_IMMUTABLE_MAX_AGE 31536000u
/* Cache lifetime, seconds, of assets without a fingerprint. */
#define STATIC_MAX_AGE 3600u

/* --- Content and templates ------------------------------------------- */
/* Largest content/ JSON file. */
#define CONTENT_MAX_FILE_BYTES (512u * 1024u)
/* Largest template file. */
#define TMPL_MAX_FILE_BYTES (256u * 1024u)
/* Count of templates in templates/. */
#define TMPL_MAX_FILES 128u
/* Nesting of sections and partials while rendering. */
#define TMPL_MAX_DEPTH 32u

/* --- Configuration --------------------------------------------------- */
/* Largest signaal.ini. */
#define CONFIG_MAX_FILE_BYTES (64u * 1024u)
/* Length of identifiers: organisation, region, district ids. */
#define ID_MAX_LEN 64u
/* Length of display names (organisation, district). */
#define NAME_MAX_LEN 200u

/* --- Wegwijzer and quiz ---------------------------------------------- */
/* Questions a quiz submission may answer. */
#define QUIZ_MAX_QUESTIONS 64u

/* --- Store, configuration, key file (owned by store/, app/config, ------
 * --- app/setup, crypto/keyfile) ------------------------------------- */
/* Default of an organisation's public_min_cell and of [figures]
 * public_min_cell: counts below it are shown as "<5" in public figures. */
#define PUBLIC_MIN_CELL_DEFAULT 5u
/* Upper bound of public_min_cell (a threshold above this hides everything). */
#define PUBLIC_MIN_CELL_MAX 100u
/* Read connections the SQLite store keeps open at most; a thread waits
 * when all are borrowed. Above HTTP_THREADS so that the CLI and a later
 * background job never wait behind the server. */
#define STORE_READ_CONNS 8u
/* Connections the PostgreSQL store keeps open at most (reads and writes
 * share them); a thread waits when all are in use. Several servers on one
 * database each hold this many: keep their sum below the server's
 * max_connections. */
#define STORE_PG_CONNS 8u
/* Bytes of pg_restore's output read when looking up a setting in a backup
 * (the settings table as text; a handful of rows). */
#define STORE_PG_TOOL_OUT_MAX (1024u * 1024u)
/* Milliseconds SQLite waits on a lock held by another process (a CLI
 * import while the server runs); times STORE_TXN_ATTEMPTS stays below
 * HTTP_CONNECTION_TIMEOUT_S. */
#define STORE_BUSY_TIMEOUT_MS 2000u
/* Attempts store_txn() makes when the database stays busy. */
#define STORE_TXN_ATTEMPTS 3u
/* Attempts store_txn() makes on PostgreSQL, where a transaction that met
 * another writer fails at once (a serialization failure) instead of
 * waiting like SQLite's busy timeout: more of them, each after a random
 * pause of up to STORE_PG_RETRY_MAX_MS. Writers of two servers that
 * number reports from one counter meet often under load. */
#define STORE_PG_TXN_ATTEMPTS 20u
#define STORE_PG_RETRY_MAX_MS 50u
/* Districts of one organisation. */
#define STORE_MAX_DISTRICTS 256u
/* Organisations store_org_list() returns at most. */
#define STORE_MAX_ORGS 10000u
/* New reports one statement of the intake's batch inserts at most
 * (STMT_REPORT_INSERT_WEB_ROWS, 18 parameters a row). PostgreSQL sets up
 * its executor and parses and plans the CHECK constraints of `reports`
 * from their text again at every execution of an INSERT: per statement,
 * not per row (bench/README.md, "CPU per report"). The rows left over
 * go one to a statement; 4 rather than 8 puts more of a batch of about
 * a dozen (two servers at 25 connections each) into statements of
 * several rows, and cost PostgreSQL 7% fewer instructions per report. */
#define STORE_REPORTS_PER_INSERT 4u
/* Rows of the intake's batch one screen for a taken id or receipt asks
 * about (STMT_REPORTS_SCREEN: an id and a receipt hash each). */
#define STORE_SCREEN_ROWS 16u
/* Parameters of one statement ($1..$72: STORE_REPORTS_PER_INSERT rows
 * of a new report, 18 each). */
#define STORE_MAX_PARAMS 72u
/* Columns of one result row (a session or token with its user's 13). */
#define STORE_MAX_COLS 24u
/* Length of a setting key ([a-z0-9_.-]). */
#define SETTING_KEY_MAX_LEN 64u
/* Bytes of a setting value. */
#define SETTING_VALUE_MAX_LEN (64u * 1024u)
/* --- Audit log (owned by audit/) ----------------------------------- */
/* Bytes of an audit entry's actor ("cli:" + an OS user name, "user:" +
 * a user id, "system"). */
#define AUDIT_ACTOR_MAX_LEN 72u
/* Bytes of an audit entry's object (a report, user or token id): at
 * least "user:" + USER_LOGIN_MAX bytes of a login. */
#define AUDIT_OBJECT_MAX_LEN 72u
/* Entries audit_verify() reads per statement: its memory bound. */
#define AUDIT_VERIFY_BATCH 1000u
/* Entries on one page of the audit log's list. */
#define AUDIT_PAGE_MAX 200u
/* Entries of a report's history (its audit entries: views, changes) that
 * the report view shows, the newest; older ones are counted ("and N
 * more"). A report read every day for years stays one bounded read. */
#define REPORT_HISTORY_MAX 100u
/* Audit entries of concurrent report views written in one transaction
 * (audit/group.h); the rest wait for the next. */
#define AUDIT_GROUP_MAX 64u
/* Bytes of one line of signaal.ini (inih's own line buffer is 200). */
#define CONFIG_MAX_LINE 190u
/* Bytes of a path in signaal.ini. */
#define CONFIG_MAX_PATH 160u
/* Bytes of a URL in signaal.ini. */
#define CONFIG_MAX_URL 160u
/* Bytes of [store] url (a libpq connection URI); its line must still fit
 * CONFIG_MAX_LINE with "url = " before it. */
#define CONFIG_MAX_STORE_URL 180u
/* Bytes of the host part of [server] listen. */
#define CONFIG_MAX_HOST 64u
/* Entries of [hosts] (host name -> organisation) and the bytes of one host
 * name there (a DNS name is at most 253). */
#define CONFIG_MAX_HOSTS    64u
#define CONFIG_MAX_HOSTNAME 128u
/* Organisations one server serves (every one in the store, loaded at
 * start); more refuse to start. */
#define SITE_MAX_ORGS 256u
/* [server] threads at most. */
#define CONFIG_MAX_THREADS 64u
/* [server] max_connections at least and at most (the process needs a
 * descriptor for each, below the usual limit of open files). */
#define CONFIG_MIN_CONNECTIONS 16u
#define CONFIG_MAX_CONNECTIONS 20000u
/* [server] header_timeout and body_timeout at most, seconds. */
#define CONFIG_MAX_HTTP_TIMEOUT 300u
/* [intake] max_reports_per_minute at most. */
#define CONFIG_MAX_REPORTS_PER_MINUTE 10000u
/* Bytes of a key file (a version line and 64 hex digits). */
#define KEYFILE_MAX_BYTES 256u

/* --- Content loader, wegwijzer and quiz (src/content, src/domain) -------- */
/* Files read from content/regions/ or content/orgs/. */
#define CONTENT_MAX_DIR_FILES 64u
/* Bytes of one text in a content file (a paragraph, a signal, an answer). */
#define CONTENT_MAX_TEXT_BYTES 2000u
/* Entries in one list of a content file (forms, signals, channels, districts). */
#define CONTENT_MAX_LIST_ITEMS 200u
/* Length of a code: form, signal, role, question, option or channel id. */
#define CONTENT_MAX_CODE_LEN 64u
/* Bytes of a key path in a validation message, e.g. "forms[2].signals[0].code". */
#define CONTENT_MAX_PATH_LEN 256u
/* Bytes of a value quoted in a content validation message (longer ones are cut). */
#define CONTENT_MAX_SHOWN_VALUE 80u
/* Bytes of a channel's web address or email address. */
#define CONTENT_MAX_URL_LEN 300u
/* Phone numbers one channel lists. */
#define CHANNEL_MAX_PHONES 4u
/* A channel's rank for a role in the wegwijzer: 1 (first) .. this. */
#define CHANNEL_MAX_RANK 99u
/* Fewest questions the quiz must have (awareness sessions need variety). */
#define QUIZ_MIN_QUESTIONS 15u
/* Options of one quiz question, at least and at most. */
#define QUIZ_MIN_OPTIONS 2u
#define QUIZ_MAX_OPTIONS 4u

/* --- Reports, intake and follow-up (src/domain/report, intake) -------- */
/* Characters (code points; CR LF counts as one) of the description of what
 * someone saw (contract: 1-10000 characters). Every text limit of a report
 * counts characters, as the person typing does; see str_chars(). */
#define REPORT_MAX_DESCRIPTION 10000u
/* Characters of a short free text: place, when, a contact field, a person
 * field. */
#define REPORT_MAX_SHORT_TEXT 200u
/* Signals one report may tick. */
#define REPORT_MAX_SIGNALS 64u
/* Forms one report may name (the four and "unknown"). */
#define REPORT_MAX_FORMS 5u
/* People one report may describe. */
#define REPORT_MAX_PEOPLE 5u
/* Involved organisations and Meldcode steps one report may name (each
 * value once: the length of the domain's closed lists, which
 * domain/report.c asserts). */
#define REPORT_MAX_INVOLVED 9u
#define REPORT_MAX_MELDCODE 5u
/* Characters of one follow-up message from a reporter. */
#define REPORT_MAX_MESSAGE 5000u
/* Bytes of UTF-8 text of n characters at most (CR LF: 2 bytes, 1 char). */
#define UTF8_MAX_BYTES(n) (4u * (n))
/* Short texts of one report: place, when, three contact fields, and age,
 * gender, nationality and language of each person. */
#define REPORT_SHORT_TEXTS (2u + 3u + 4u * REPORT_MAX_PEOPLE)
/* Characters of free text one report may hold at most. */
#define REPORT_MAX_TEXT (REPORT_MAX_DESCRIPTION + REPORT_SHORT_TEXTS * REPORT_MAX_SHORT_TEXT)
/* Messages one report may hold (a full conversation ends with a call). */
#define REPORT_MAX_MESSAGES 100u
/* Reports waiting for the writer thread; a full queue answers 503. */
#define INTAKE_QUEUE_MAX 1024u
/* Reports the writer commits together in one transaction at most. */
#define INTAKE_BATCH_MAX 64u
/* Seconds a reporter is asked to wait (Retry-After) when a report could
 * not be stored (a full disk, a read-only directory): long enough for an
 * operator to be alerted by /healthz, short enough to try again soon. */
#define INTAKE_FAULT_RETRY_S 60u
/* Seconds between probe writes /healthz makes while writing fails (each
 * costs a commit; /healthz is public). */
#define INTAKE_PROBE_INTERVAL_S 5u
/* Bytes of a reference (the organisation's own id of a report). */
#define REPORT_MAX_REFERENCE 64u

/* --- Throttling (src/http/throttle) ------------------------------------ */
/* Sources (hashed addresses) one throttle table remembers at once. */
#define THROTTLE_SLOTS 4096u
/* Wrong receipts (well formed, not found) one source (an IPv4 address or
 * an IPv6 /64, hashed) may send per FOLLOW_WRONG_WINDOW_S; after that its
 * receipts are not looked up until the window ends. Room enough for a
 * person who mistypes; why it keeps guessing hopeless: http/throttle.h. */
#define FOLLOW_WRONG_PER_SOURCE 10u
/* Seconds of that window, from the source's first wrong receipt. */
#define FOLLOW_WRONG_WINDOW_S (15u * 60u)
/* Wrong receipts overall per minute from which guessing is assumed: then
 * a source that used up its FOLLOW_WRONG_PER_SOURCE waits for the longer
 * window below. Nobody with wrong tries left is refused or delayed for
 * this. */
#define FOLLOW_WRONG_BUSY_PER_MIN 60u
/* Seconds of the longer window while guessing is assumed. */
#define FOLLOW_WRONG_BUSY_WINDOW_S (60u * 60u)
/* Seconds of one window of the overall count of wrong receipts that the
 * servers of one database share (site.c, table throttle_counts): the
 * "per minute" of FOLLOW_WRONG_BUSY_PER_MIN. */
#define FOLLOW_WRONG_SHARED_WINDOW_S 60
/* Random bytes of the follow-up form's one-time submission id (sent as
 * twice as many hex digits). */
#define FOLLOW_SUBMISSION_BYTES 16u
/* Retry-After when a follow-up message found the database busy (another
 * process held the write transaction past STORE_BUSY_TIMEOUT_MS times
 * STORE_TXN_ATTEMPTS): the form's alert says "over een minuut". */
#define FOLLOW_BUSY_RETRY_S 60u
/* Seconds a draft of the report form is kept after it was last saved (on
 * the server, sealed, under the form's cookie); past it, it is deleted.
 * The same as a form's token: a draft outlives no token that could send
 * it. */
#define DRAFT_MAX_AGE_S 7200u
/* Bytes of a draft's fields as JSON (the form's fields, at most a whole
 * report's body). */
#define DRAFT_MAX_BYTES HTTP_MAX_BODY_BYTES
/* Seconds a CSRF token and its cookie stay valid. */
#define CSRF_MAX_AGE_S 7200u

/* --- CSV import and export (util/csv_read, render/csv, domain/import) - */
/* Bytes of one physical line of a CSV file (a quoted field may span
 * several lines; each is bounded). */
#define CSV_MAX_LINE_BYTES (16u * 1024u)
/* Bytes of one record (a row), its fields' bytes together. */
#define CSV_MAX_RECORD_BYTES (64u * 1024u)
/* Bytes of one field. */
#define CSV_MAX_FIELD_BYTES (4u * 1024u)
/* Fields of one record. */
#define CSV_MAX_FIELDS 64u
/* Rows one import may hold: all are checked in memory, then written in one
 * transaction. */
#define IMPORT_MAX_ROWS 100000u
/* Errors one import lists; beyond these it only counts them. */
#define IMPORT_MAX_ERRORS 20u
/* Bytes of a value quoted in an import error message (longer ones are cut). */
#define IMPORT_MAX_SHOWN_VALUE 80u

/* --- Handling: the inbox (domain/inbox, store/inbox, domain/workdays) - */
/* Working days after receipt within which a report is triaged (domain.md:
 * "triage within 5 working days"). */
#define TRIAGE_WORKING_DAYS 5u
/* Largest count of working days workdays_add() takes (ten years). */
#define WORKDAYS_MAX_ADD 2600u
/* Reports on one inbox page: the default and the most (contract: limit
 * 1-1000, default 100). */
#define INBOX_PAGE_DEFAULT 100u
#define INBOX_PAGE_MAX     1000u
/* Retry-After when a staff read found the database busy. */
#define STAFF_BUSY_RETRY_S 5u
/* --- The store (store/) --------------------------------------------- */
/* Statements sent to PostgreSQL before their results are read: a longer
 * pipeline could fill the socket buffers both ways, each side waiting for
 * the other to read. */
#define STORE_PG_PIPELINE_MAX 256u
/* Rounds of reserving and inserting an intake batch: a row whose
 * reference was taken twice over is told to come again. */
#define STORE_BATCH_ROUNDS 3

/* Example reports `signaal init --demo` adds at most (app/demo). */
#define DEMO_MAX_REPORTS 200u
/* --- Staff accounts, sessions and tokens (src/auth, src/domain/accounts) - */
/* Bytes of a staff login name ([a-z0-9._-], starting with a letter). */
#define USER_LOGIN_MAX 64u
/* Characters a password has at least, and bytes at most (argon2id takes
 * any length; a bound keeps a megabyte password from costing anything). */
#define PASSWORD_MIN_CHARS 12u
#define PASSWORD_MAX_BYTES 512u
/* argon2id parameters of new password hashes (libsodium's
 * crypto_pwhash_str): 3 passes over 64 MiB, libsodium's "moderate" for an
 * interactive login on a server that sees few logins. A hash made with
 * other parameters is made again at the next login. */
#define PASSWORD_OPSLIMIT 3u
#define PASSWORD_MEMLIMIT (64u * 1024u * 1024u)
/* Failed logins of one account before each next attempt waits; the wait
 * starts at LOGIN_THROTTLE_BASE_S and doubles per failure after that, up
 * to LOGIN_THROTTLE_MAX_S: slow for a guesser, never a lock an attacker
 * could use to keep a handler out for long. */
#define LOGIN_FREE_FAILURES   5u
#define LOGIN_THROTTLE_BASE_S 30u
#define LOGIN_THROTTLE_MAX_S  (15u * 60u)
/* TOTP (RFC 6238): seconds per step, digits, steps of clock drift
 * accepted either way, bytes of the secret (160 bits, RFC 4226). */
#define TOTP_STEP_S       30u
#define TOTP_DIGITS       6u
#define TOTP_DRIFT_STEPS  1u
#define TOTP_SECRET_BYTES 20u
/* Recovery codes made at enrolment (each used once). */
#define RECOVERY_CODES 10u
/* Session lifetimes, seconds: idle (since the last request) and absolute
 * (since login); defaults and the range of [staff] idle_timeout and
 * absolute_timeout. */
#define SESSION_IDLE_DEFAULT_S     (30u * 60u)
#define SESSION_ABSOLUTE_DEFAULT_S (12u * 60u * 60u)
#define SESSION_IDLE_MIN_S         60u
#define SESSION_IDLE_MAX_S         (4u * 60u * 60u)
#define SESSION_ABSOLUTE_MIN_S     (10u * 60u)
#define SESSION_ABSOLUTE_MAX_S     (24u * 60u * 60u)
/* Seconds between two writes of a session's last activity (one write per
 * request would be wasted; the idle timeout is this much less exact). */
#define SESSION_TOUCH_EVERY_S 60u
/* Seconds a half-done login (password right, second factor not yet) may
 * take before it must start again. */
#define SESSION_PENDING_MAX_S (10u * 60u)
/* Sessions one user may hold; the oldest goes when a new one would pass it. */
#define SESSION_MAX_PER_USER 20u
/* Days an API token lives by default and at most. */
#define TOKEN_DAYS_DEFAULT 90u
#define TOKEN_DAYS_MAX     366u
/* Users and tokens one listing returns at most. */
#define USER_LIST_MAX 10000u

/* The byte limits that must hold the character limits above. */
_Static_assert(HTTP_MAX_FIELD_VALUE >= UTF8_MAX_BYTES(REPORT_MAX_DESCRIPTION),
               "a form field must hold the longest description");
_Static_assert(HTTP_MAX_BODY_BYTES >= 12u * REPORT_MAX_TEXT + 8u * 1024u,
               "a body must hold the longest report, encoded");

#endif
