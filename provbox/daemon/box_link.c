/*
 * box_link.c - the bearerbox connection: connect, identify, heartbeat,
 * read and dispatch, reconnect with backoff (see box_link.h).
 *
 * Locking: link->lock guards the Connection pointer and the state. Writers
 * hold it while they queue and flush, so the link thread never destroys a
 * Connection under a writer. The link thread reads without the lock; it is
 * the only thread that creates or destroys the Connection.
 */
#include <errno.h>
#include <sys/socket.h>

#include "gw/shared.h"
#include "gw/heartbeat.h"
#include "daemon/box_link.h"
#include "daemon/box_msg.h"

#define MAX_RECONNECT_DELAY 30.0
#define READ_TIMEOUT 1.0
/* Bytes box_link_send() lets gwlib hold before it writes them: a round's
 * segments or acks go out in a few writes, not one each; box_link_flush()
 * writes the rest. */
#define OUTPUT_BUFFERING 65536

struct BoxLink {
    const ProvboxConfig *config;
    BoxLinkHandlers handlers;
    Mutex *lock;
    Connection *conn;
    BoxLinkState state;
    volatile int running;
    long thread;
    long heartbeat_thread;
};

/* heartbeat_start() takes a plain function: this is the link it writes to. */
static BoxLink *heartbeat_link;

static int write_msg_locked(BoxLink *link, Msg *msg)
{
    Octstr *pack;
    int ret;

    if (link->conn == NULL)
        return -1;
    pack = box_msg_pack(msg);
    ret = conn_write_withlen(link->conn, pack);
    octstr_destroy(pack);
    return ret == -1 ? -1 : 0;
}

int box_link_send(BoxLink *link, Msg *msg)
{
    int ret;

    mutex_lock(link->lock);
    ret = write_msg_locked(link, msg);
    mutex_unlock(link->lock);
    return ret;
}

int box_link_flush(BoxLink *link)
{
    int ret = -1;

    mutex_lock(link->lock);
    if (link->conn != NULL)
        ret = conn_flush(link->conn) == -1 ? -1 : 0;
    mutex_unlock(link->lock);
    return ret;
}

void box_link_ack(BoxLink *link, Msg *sms, long nack)
{
    Msg *reply = box_msg_create(ack);

    reply->ack.nack = nack;
    reply->ack.time = sms->sms.time;
    uuid_copy(reply->ack.id, sms->sms.id);
    if (box_link_send(link, reply) == 0)
        box_link_flush(link);
    msg_destroy(reply);
}

BoxLinkState box_link_state(BoxLink *link)
{
    BoxLinkState state;

    mutex_lock(link->lock);
    state = link->state;
    mutex_unlock(link->lock);
    return state;
}

static void send_heartbeat(Msg *heartbeat)
{
    if (heartbeat_link != NULL && box_link_send(heartbeat_link, heartbeat) == 0)
        box_link_flush(heartbeat_link);
    msg_destroy(heartbeat);
}

static long current_load(void)
{
    return 0;
}

static void enable_keepalive(Connection *conn)
{
    int on = 1;

    if (setsockopt(conn_get_id(conn), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == -1)
        warning(errno, "Cannot enable TCP keepalive on the bearerbox link.");
}

static int identify(BoxLink *link)
{
    Msg *msg = msg_create(admin);
    int ret;

    msg->admin.command = cmd_identify;
    msg->admin.boxc_id = octstr_duplicate(link->config->provbox_id);
    mutex_lock(link->lock);
    ret = write_msg_locked(link, msg);
    if (ret == 0)
        ret = conn_flush(link->conn) == -1 ? -1 : 0;
    mutex_unlock(link->lock);
    msg_destroy(msg);
    return ret;
}

/* One connection attempt; on success the link is up and identified. */
static int connect_once(BoxLink *link)
{
    const ProvboxConfig *c = link->config;
    Connection *conn;

    conn = connect_to_bearerbox_real(c->bearerbox_host, c->bearerbox_port,
                                     c->bearerbox_ssl, NULL);
    if (conn == NULL)
        return -1;
    enable_keepalive(conn);
    conn_set_output_buffering(conn, OUTPUT_BUFFERING);
    mutex_lock(link->lock);
    link->conn = conn;
    mutex_unlock(link->lock);
    if (identify(link) == -1) {
        error(0, "Could not identify to bearerbox as '%s'.", octstr_get_cstr(c->provbox_id));
        return -1;
    }
    mutex_lock(link->lock);
    if (link->state.connected_since != 0 || link->state.reconnects > 0
        || link->state.connect_failures > 0)
        link->state.reconnects++;
    link->state.connected = 1;
    link->state.connected_since = time(NULL);
    mutex_unlock(link->lock);
    info(0, "Identified to bearerbox %s:%ld%s as '%s'.", octstr_get_cstr(c->bearerbox_host),
         c->bearerbox_port, c->bearerbox_ssl ? " (SSL)" : "", octstr_get_cstr(c->provbox_id));
    return 0;
}

static void drop_connection(BoxLink *link)
{
    Connection *conn;

    mutex_lock(link->lock);
    conn = link->conn;
    link->conn = NULL;
    link->state.connected = 0;
    link->state.connected_since = 0;
    mutex_unlock(link->lock);
    if (conn != NULL)
        conn_destroy(conn);
}

static void note_ack(BoxLink *link)
{
    mutex_lock(link->lock);
    link->state.last_ack = time(NULL);
    mutex_unlock(link->lock);
}

static void dispatch(BoxLink *link, Msg *msg)
{
    BoxLinkHandlers *h = &link->handlers;

    switch (msg_type(msg)) {
    case ack:
        note_ack(link);
        h->on_ack(msg, h->ctx);
        return;
    case sms:
        h->on_sms(msg, h->ctx);
        return;
    case admin:
        if (msg->admin.command == cmd_shutdown || msg->admin.command == cmd_restart) {
            info(0, "bearerbox sent %s.",
                 msg->admin.command == cmd_shutdown ? "shutdown" : "restart");
            h->on_admin(msg->admin.command, h->ctx);
        }
        break;
    default:
        debug("provbox.link", 0, "Ignoring message type %d from bearerbox.", msg_type(msg));
        break;
    }
    msg_destroy(msg);
}

/* Read until the link breaks or we stop. */
static void read_loop(BoxLink *link)
{
    Msg *msg;
    int ret;

    while (link->running) {
        ret = box_msg_read(link->conn, &msg, READ_TIMEOUT);
        if (ret == -1) {
            error(0, "The bearerbox link broke (%s).",
                  conn_eof(link->conn) ? "closed by bearerbox" : "read error");
            break;
        }
        if (ret == 0 && msg == NULL)
            error(0, "A message from bearerbox does not unpack; ignored.");
        else if (ret == 0)
            dispatch(link, msg);
    }
}

static void wait_before_reconnect(BoxLink *link, double *delay)
{
    if (!link->running)
        return;
    info(0, "Reconnecting to bearerbox in %.0f s.", *delay);
    gwthread_sleep(*delay);
    *delay *= 2;
    if (*delay > MAX_RECONNECT_DELAY)
        *delay = MAX_RECONNECT_DELAY;
}

static void link_thread(void *arg)
{
    BoxLink *link = arg;
    double delay = link->config->reconnect_delay;

    while (link->running) {
        if (connect_once(link) == -1) {
            drop_connection(link);
            mutex_lock(link->lock);
            link->state.connect_failures++;
            mutex_unlock(link->lock);
            wait_before_reconnect(link, &delay);
            continue;
        }
        delay = link->config->reconnect_delay;
        link->handlers.on_connect(link->handlers.ctx);
        read_loop(link);
        drop_connection(link);
        if (link->running) {
            warning(0, "Lost the bearerbox link; un-acknowledged segments will be sent again.");
            link->handlers.on_disconnect(link->handlers.ctx);
            wait_before_reconnect(link, &delay);
        }
    }
}

BoxLink *box_link_start(const ProvboxConfig *config, const BoxLinkHandlers *handlers)
{
    BoxLink *link = gw_malloc(sizeof(*link));

    memset(link, 0, sizeof(*link));
    link->config = config;
    link->handlers = *handlers;
    link->lock = mutex_create();
    link->running = 1;
    if (config->bearerbox_ssl)
        conn_config_ssl(config->provbox_group);   /* client cert, trusted CA */
    heartbeat_link = link;
    link->thread = gwthread_create(link_thread, link);
    link->heartbeat_thread = heartbeat_start(send_heartbeat, config->heartbeat_freq,
                                             current_load);
    if (link->thread == -1 || link->heartbeat_thread == -1)
        panic(0, "Cannot start the bearerbox link threads.");
    return link;
}

void box_link_stop(BoxLink *link)
{
    link->running = 0;
    heartbeat_stop(link->heartbeat_thread);
    gwthread_wakeup(link->thread);
    gwthread_join(link->thread);
    heartbeat_link = NULL;
    drop_connection(link);
    mutex_destroy(link->lock);
    gw_free(link);
}
