/*
 * http_front.c - the admin port's poll loop, connection limits and bounded
 * request reading (see http_front.h). Only the front thread touches the
 * clients; a client leaves the list only in sweep().
 */
#define _GNU_SOURCE             /* accept4 */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <openssl/ssl.h>

#include "gwlib/gwlib.h"
#include "daemon/http_front.h"

#define EVICT_AFTER 1.0       /* seconds a head may take before a newcomer displaces it */
#define LINGER_SECONDS 2.0    /* input thrown away after a closing answer */
#define WARN_INTERVAL 60.0    /* one over-limit warning a minute, with a count */
#define ACCEPT_BATCH 64       /* connections taken per turn */
#define READS_PER_TURN 64     /* reads (4 KB each) per connection per turn */
#define POLL_MAX_WAIT 1.0
#define ACCEPT_PAUSE 0.5      /* seconds the listener rests after a failed accept */

typedef enum { READING_HEAD, READING_BODY, WRITING, LINGERING, CLOSED } Phase;

typedef struct Client {
    Connection *conn;
    Octstr *ip;
    Phase phase;
    double since;          /* this phase began */
    double deadline;       /* this phase must be over by then */
    Octstr *head;          /* READING_HEAD: the lines so far, each ended by "\n" */
    long request_line;     /* its length once read, else -1 */
    HttpRequest *req;      /* READING_BODY, and until its answer is formatted */
    int keep_alive;        /* WRITING: read the next request after it */
    int buffered;          /* input waits in the Connection's buffer: serve it
                              without waiting for poll */
} Client;

typedef struct Throttle {
    double last;           /* when the last warning went out */
    long count;            /* events since */
} Throttle;

struct HttpFront {
    HttpFrontLimits limits;
    HttpFrontHandlers handlers;
    int ssl;
    int listener;
    long thread;
    volatile int running;
    List *clients;         /* Client* */
    Throttle over_limit;
    Throttle timed_out;
    Throttle accept_failed;
    double accept_paused_until;  /* after a failed accept (EMFILE...) */
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The count to report when a warning is due (at most one a minute), else 0. */
static long throttle_due(Throttle *t)
{
    long count;

    t->count++;
    if (t->last != 0 && now() - t->last < WARN_INTERVAL)
        return 0;
    count = t->count;
    t->last = now();
    t->count = 0;
    return count;
}

/* ---- clients --------------------------------------------------------------- */

static void enter(HttpFront *front, Client *c, Phase phase, double seconds)
{
    c->phase = phase;
    c->since = now();
    c->deadline = c->since + (seconds > 0 ? seconds : front->limits.request_timeout);
}

static void start_request(HttpFront *front, Client *c)
{
    octstr_destroy(c->head);
    c->head = octstr_create("");
    c->request_line = -1;
    http_request_destroy(c->req);
    c->req = NULL;
    enter(front, c, READING_HEAD, 0);
}

static Client *client_create(HttpFront *front, Connection *conn, Octstr *ip)
{
    Client *c = gw_malloc(sizeof(*c));

    memset(c, 0, sizeof(*c));
    c->conn = conn;
    c->ip = ip;
    start_request(front, c);
    return c;
}

static void client_close(Client *c)
{
    c->phase = CLOSED;
}

static void client_destroy(void *item)
{
    Client *c = item;

    conn_destroy(c->conn);
    octstr_destroy(c->ip);
    octstr_destroy(c->head);
    http_request_destroy(c->req);
    gw_free(c);
}

static void sweep(HttpFront *front)
{
    long i;
    Client *c;

    for (i = gwlist_len(front->clients) - 1; i >= 0; i--) {
        c = gwlist_get(front->clients, i);
        if (c->phase == CLOSED) {
            gwlist_delete(front->clients, i, 1);
            client_destroy(c);
        }
    }
}

static int ssl_pending(Client *c)
{
    SSL *ssl = conn_get_ssl(c->conn);

    return ssl != NULL && SSL_pending(ssl) > 0;
}

/* Gone, or broken: closed (1). */
static int closed_by_peer(Client *c)
{
    if (!conn_eof(c->conn) && !conn_error(c->conn))
        return 0;
    client_close(c);
    return 1;
}

/* ---- answers --------------------------------------------------------------- */

/* A plain connection: shut for writing, input thrown away for a while,
 * so that the client reads the answer rather than a reset. */
static void start_closing(HttpFront *front, Client *c)
{
    if (front->ssl) {
        client_close(c);
        return;
    }
    shutdown(conn_get_id(c->conn), SHUT_WR);
    enter(front, c, LINGERING, LINGER_SECONDS);
}

static void write_more(HttpFront *front, Client *c)
{
    if (conn_write(c->conn, octstr_imm("")) < 0) {
        client_close(c);
        return;
    }
    if (conn_outbuf_len(c->conn) > 0)
        return;
    if (c->keep_alive) {
        start_request(front, c);   /* a pipelined request is read next turn */
        c->buffered = conn_inbuf_len(c->conn) > 0;
    } else
        start_closing(front, c);
}

/* Send the answer to c->req (NULL: to a request that could not be parsed). */
static void answer(HttpFront *front, Client *c, HttpAnswer *answer, int keep_alive)
{
    int with_body = c->req == NULL || c->req->method != HTTP_METHOD_HEAD;
    Octstr *out = http_answer_format(answer, keep_alive, with_body);

    conn_write(c->conn, out);
    octstr_destroy(out);
    http_answer_clear(answer);
    http_request_destroy(c->req);
    c->req = NULL;
    c->keep_alive = keep_alive;
    enter(front, c, WRITING, 0);
    write_more(front, c);
}

static void refuse(HttpFront *front, Client *c, int status, Octstr *why)
{
    HttpAnswer a = { 0, NULL, NULL };

    octstr_append_char(why, '\n');
    http_answer_set(&a, status, "text/plain; charset=utf-8", why);
    answer(front, c, &a, 0);
}

/* ---- reading ----------------------------------------------------------------- */

static void dispatch(HttpFront *front, Client *c)
{
    HttpAnswer a = { 0, NULL, NULL };

    front->handlers.handle(front->handlers.ctx, c->req, &a);
    answer(front, c, &a, http_request_keep_alive(c->req));
}

/* Read what there is of the body; handle the request once it is whole. */
static void read_body(HttpFront *front, Client *c)
{
    Octstr *body = NULL;
    long before, turns;

    for (turns = 0; turns < READS_PER_TURN; turns++) {
        before = conn_inbuf_len(c->conn);
        body = c->req->body_length == 0 ? octstr_create("")
                                        : conn_read_fixed(c->conn, c->req->body_length);
        if (body != NULL)
            break;
        if (closed_by_peer(c) || (conn_inbuf_len(c->conn) == before && !ssl_pending(c)))
            return;
    }
    if (body == NULL) {
        c->buffered = 1;            /* more next turn */
        return;
    }
    if (c->req->method == HTTP_METHOD_POST) {
        octstr_destroy(c->req->body);
        c->req->body = body;
    } else
        octstr_destroy(body);
    dispatch(front, c);
}

/* The head is whole: refused, or admitted and its body read. */
static void head_complete(HttpFront *front, Client *c)
{
    HttpAnswer a = { 0, NULL, NULL };
    Octstr *problem = NULL;
    int status;
    long allowed;

    c->req = http_request_parse(c->head, c->ip, &status, &problem);
    if (c->req == NULL) {
        refuse(front, c, status, problem);
        return;
    }
    allowed = front->handlers.admit(front->handlers.ctx, c->req, &a);
    if (allowed < 0) {
        answer(front, c, &a, c->req->body_length == 0 && http_request_keep_alive(c->req));
    } else if (c->req->body_length > allowed) {
        refuse(front, c, HTTP_REQUEST_ENTITY_TOO_LARGE,
               octstr_format("the request body is %ld bytes; at most %ld are taken here",
                             c->req->body_length, allowed));
    } else {
        if (c->req->body_length > 0 && http_request_expects_continue(c->req))
            conn_write(c->conn, octstr_imm("HTTP/1.1 100 Continue\r\n\r\n"));
        enter(front, c, READING_BODY, 0);
        read_body(front, c);
    }
}

/* 1 when the head, with what is waiting in the buffer, is over a limit
 * (and refused). */
static int head_too_large(HttpFront *front, Client *c)
{
    long pending = conn_inbuf_len(c->conn);

    if (c->request_line < 0 && pending > front->limits.max_request_line)
        refuse(front, c, HTTP_REQUEST_URI_TOO_LARGE,
               octstr_format("the request line is longer than %ld bytes",
                             front->limits.max_request_line));
    else if (c->request_line >= 0 && octstr_len(c->head) - c->request_line - 1 + pending
                                     > front->limits.max_header_fields)
        refuse(front, c, 431, octstr_format("the header lines are longer than %ld bytes",
                                            front->limits.max_header_fields));
    else
        return 0;
    return 1;
}

/* One line of the head; 1 when the head is done with (complete or refused). */
static int head_line(HttpFront *front, Client *c, Octstr *line)
{
    int blank = octstr_len(line) == 0;

    if (c->request_line < 0 && blank)
        return 0;                       /* blank lines before the request line */
    octstr_append(c->head, line);
    octstr_append_char(c->head, '\n');
    if (c->request_line < 0) {
        c->request_line = octstr_len(line);
        if (c->request_line > front->limits.max_request_line) {
            refuse(front, c, HTTP_REQUEST_URI_TOO_LARGE,
                   octstr_format("the request line is longer than %ld bytes",
                                 front->limits.max_request_line));
            return 1;
        }
    }
    if (blank)
        head_complete(front, c);
    return blank || head_too_large(front, c);
}

static void read_head(HttpFront *front, Client *c)
{
    Octstr *line;
    long before, turns;

    for (turns = 0; turns < READS_PER_TURN; turns++) {
        before = conn_inbuf_len(c->conn);
        if ((line = conn_read_line(c->conn)) != NULL) {
            int done = head_line(front, c, line);
            octstr_destroy(line);
            if (done)
                return;
            continue;
        }
        if (head_too_large(front, c) || closed_by_peer(c))
            return;
        if (conn_inbuf_len(c->conn) == before && !ssl_pending(c))
            return;
    }
    c->buffered = 1;                /* more next turn */
}

static void throw_away(Client *c)
{
    Octstr *data;
    long turns;

    for (turns = 0; turns < READS_PER_TURN; turns++) {
        if ((data = conn_read_everything(c->conn)) == NULL) {
            closed_by_peer(c);
            return;
        }
        octstr_destroy(data);
    }
    c->buffered = 1;                /* more next turn */
}

/* A turn for one client: poll said revents, or input waits in its buffer. */
static void serve(HttpFront *front, Client *c, int revents)
{
    int readable = (revents & (POLLIN | POLLHUP | POLLERR)) || c->buffered;

    c->buffered = 0;

    if (revents & POLLNVAL)
        client_close(c);
    else if (c->phase == WRITING && (revents & (POLLOUT | POLLHUP | POLLERR)))
        write_more(front, c);
    else if (c->phase == READING_HEAD && readable)
        read_head(front, c);
    else if (c->phase == READING_BODY && readable)
        read_body(front, c);
    else if (c->phase == LINGERING && readable)
        throw_away(c);
}

/* Past its deadline: a request not in whole gets 408, then the connection goes. */
static void expire(HttpFront *front, Client *c)
{
    HttpAnswer a = { 0, NULL, NULL };
    Octstr *out;
    long count;

    if ((c->phase == READING_HEAD && (octstr_len(c->head) > 0 || conn_inbuf_len(c->conn) > 0))
        || c->phase == READING_BODY) {
        if ((count = throttle_due(&front->timed_out)) > 0)
            warning(0, "Admin port: a request from %s did not arrive whole within %g s; "
                    "connection closed (%ld such since the last warning).",
                    octstr_get_cstr(c->ip), front->limits.request_timeout, count);
        http_answer_set(&a, HTTP_REQUEST_TIMEOUT, "text/plain; charset=utf-8",
                        octstr_create("the request did not arrive in time\n"));
        out = http_answer_format(&a, 0, 1);
        conn_write(c->conn, out);
        octstr_destroy(out);
        http_answer_clear(&a);
    }
    client_close(c);
}

static void expire_all(HttpFront *front)
{
    double t = now();
    long i;
    Client *c;

    for (i = 0; i < gwlist_len(front->clients); i++) {
        c = gwlist_get(front->clients, i);
        if (c->phase != CLOSED && t >= c->deadline)
            expire(front, c);
    }
}

/* ---- accepting --------------------------------------------------------------- */

static long open_from(HttpFront *front, Octstr *ip)
{
    long i, n = 0;
    Client *c;

    for (i = 0; i < gwlist_len(front->clients); i++) {
        c = gwlist_get(front->clients, i);
        if (c->phase != CLOSED && (ip == NULL || octstr_compare(c->ip, ip) == 0))
            n++;
    }
    return n;
}

/* The client has closed its end, and poll has not told us yet. */
static int hung_up(Client *c)
{
    char byte;

    return recv(conn_get_id(c->conn), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* The connection a newcomer may displace (of ip, or of anyone for NULL):
 * one being closed or closed by its client, else the oldest still without
 * a head after EVICT_AFTER. */
static Client *displaceable(HttpFront *front, Octstr *ip)
{
    double t = now();
    Client *c, *oldest = NULL;
    long i;

    for (i = 0; i < gwlist_len(front->clients); i++) {
        c = gwlist_get(front->clients, i);
        if (c->phase == CLOSED || (ip != NULL && octstr_compare(c->ip, ip) != 0))
            continue;
        if (c->phase == LINGERING || hung_up(c))
            return c;
        if (c->phase == READING_HEAD && t - c->since >= EVICT_AFTER
            && (oldest == NULL || c->since < oldest->since))
            oldest = c;
    }
    return oldest;
}

static void log_over_limit(HttpFront *front, Octstr *ip, const char *limit, const char *what)
{
    long count = throttle_due(&front->over_limit);

    if (count > 0)
        warning(0, "Admin port: %s reached (a connection from %s): %s "
                "(%ld connection(s) over a limit since the last warning).",
                limit, octstr_get_cstr(ip), what, count);
}

/* 503 and close, without waiting for anything. */
static void turn_away(HttpFront *front, int fd)
{
    static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 34\r\n"
        "Connection: close\r\n\r\ntoo many connections; try again.\n";
    char scrap[4096];
    int i;

    if (!front->ssl) {
        for (i = 0; i < 4 && recv(fd, scrap, sizeof(scrap), MSG_DONTWAIT) > 0; i++)
            ;
        if (send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
            shutdown(fd, SHUT_WR);
    }
    close(fd);
}

/* Room for a connection from ip: 1, or 0 (it is turned away). */
static int make_room(HttpFront *front, int fd, Octstr *ip)
{
    const char *limit = NULL;
    Client *victim = NULL;

    if (open_from(front, ip) >= front->limits.max_clients_per_ip) {
        limit = "admin-max-clients-per-ip";
        victim = displaceable(front, ip);
    } else if (open_from(front, NULL) >= front->limits.max_clients) {
        limit = "admin-max-clients";
        victim = displaceable(front, NULL);
    }
    if (limit == NULL)
        return 1;
    if (victim != NULL) {
        log_over_limit(front, ip, limit, "the oldest connection still sending no request "
                       "was closed to make room");
        client_close(victim);
        return 1;
    }
    log_over_limit(front, ip, limit, "answered 503");
    turn_away(front, fd);
    return 0;
}

/* Out of descriptors, say: the listener rests a moment instead of
 * waking poll at once again. */
static void accept_failed(HttpFront *front)
{
    int err = errno;
    long count = throttle_due(&front->accept_failed);

    if (count > 0)
        warning(err, "Admin port: cannot accept a connection (%ld time(s) since the last "
                "warning); trying again in %g s.", count, ACCEPT_PAUSE);
    front->accept_paused_until = now() + ACCEPT_PAUSE;
}

static void accept_clients(HttpFront *front)
{
    struct sockaddr_in addr;
    socklen_t len;
    Connection *conn;
    Octstr *ip;
    int fd, i;

    for (i = 0; i < ACCEPT_BATCH; i++) {
        len = sizeof(addr);
        fd = accept4(front->listener, (struct sockaddr *) &addr, &len, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                accept_failed(front);
            return;
        }
        ip = host_ip(addr);
        if (!make_room(front, fd, ip))
            octstr_destroy(ip);
        else if ((conn = conn_wrap_fd(fd, front->ssl)) == NULL) {
            close(fd);
            octstr_destroy(ip);
        } else
            gwlist_append(front->clients, client_create(front, conn, ip));
    }
}

/* ---- the loop ---------------------------------------------------------------- */

static int events_of(Client *c)
{
    if (c->phase == WRITING)
        return POLLOUT;
    return POLLIN;
}

/* How long poll may wait: until the next deadline, not at all when input
 * waits in a buffer already. */
static double wait_time(HttpFront *front)
{
    double wait = POLL_MAX_WAIT, t = now();
    long i;
    Client *c;

    for (i = 0; i < gwlist_len(front->clients); i++) {
        c = gwlist_get(front->clients, i);
        if (c->buffered)
            return 0;
        if (c->deadline - t < wait)
            wait = c->deadline - t;
    }
    return wait > 0 ? wait : 0;
}

static void turn(HttpFront *front, struct pollfd *fds)
{
    long i, n = gwlist_len(front->clients);

    fds[0].fd = front->listener;
    fds[0].events = now() >= front->accept_paused_until ? POLLIN : 0;
    fds[0].revents = 0;
    for (i = 0; i < n; i++) {
        Client *c = gwlist_get(front->clients, i);
        fds[i + 1].fd = conn_get_id(c->conn);
        fds[i + 1].events = events_of(c);
        fds[i + 1].revents = 0;
    }
    if (gwthread_poll(fds, n + 1, wait_time(front)) < 0 && errno != EINTR) {
        error(errno, "Admin port: poll failed.");
        gwthread_sleep(0.1);
        return;
    }
    for (i = 0; i < n; i++)
        serve(front, gwlist_get(front->clients, i), fds[i + 1].revents);
    sweep(front);
    if (fds[0].revents & POLLIN)
        accept_clients(front);
    expire_all(front);
    sweep(front);
}

static void front_thread(void *arg)
{
    HttpFront *front = arg;
    /* every client, and the listener */
    long room = front->limits.max_clients + ACCEPT_BATCH + 1;
    struct pollfd *fds = gw_malloc(room * sizeof(*fds));

    while (front->running)
        turn(front, fds);
    gw_free(fds);
}

HttpFront *http_front_start(Octstr *interface, long port, int ssl,
                            const HttpFrontLimits *limits, const HttpFrontHandlers *handlers)
{
    int fd = make_server_socket(port, octstr_get_cstr(interface));
    HttpFront *front;

    if (fd < 0 || socket_set_blocking(fd, 0) < 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    front = gw_malloc(sizeof(*front));
    memset(front, 0, sizeof(*front));
    front->limits = *limits;
    front->handlers = *handlers;
    front->ssl = ssl;
    front->listener = fd;
    front->running = 1;
    front->clients = gwlist_create();
    front->thread = gwthread_create(front_thread, front);
    if (front->thread == -1)
        panic(0, "Cannot start the admin port's thread.");
    return front;
}

void http_front_stop(HttpFront *front)
{
    if (front == NULL)
        return;
    front->running = 0;
    gwthread_wakeup(front->thread);
    gwthread_join(front->thread);
    gwlist_destroy(front->clients, client_destroy);
    close(front->listener);
    gw_free(front);
}
