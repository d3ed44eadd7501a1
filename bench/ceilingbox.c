/*
 * ceilingbox.c - the benchmark's "ceiling": the least a box can do to push
 * pre-encoded SMS segments through bearerbox.
 *
 * It connects to bearerbox, identifies, and sends COUNT messages, each the
 * segments of one line-group of a `provctl compile --format sms` file (one
 * line per segment: UDHHEX PAYLOADHEX) to receiver BASE+i, keeping at most
 * WINDOW segments without their ack, with the given DLR mask. It acks every
 * delivery report bearerbox hands it and counts them, and stays until
 * WAIT-DLRS have come (bench/run.py asks for all of them: a box that left
 * once its MTs were acked would spare bearerbox handing them over). Nothing
 * is stored, logged per message or recorded, and messages are made, packed
 * and unpacked as cheaply as provbox's box_msg.c does (without the random
 * ids msg_create() and msg_unpack() draw): this is what bearerbox itself
 * can take, the yardstick provbox is measured against.
 *
 * usage: ceilingbox HOST PORT SEGMENTS-FILE COUNT WINDOW DLR-MASK [WAIT-DLRS]
 * Prints one line: sent=N acked=N failed=N dlrs=N seconds=S.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "gw/shared.h"
#include "gw/sms.h"
#include "daemon/box_msg.h"

#define BOX_ID "ceilingbox"
#define RECEIVER_BASE 4790000000L

typedef struct Bench {
    Connection *conn;
    List *segments;      /* Octstr* pairs: udh, payload */
    long count, window, dlr_mask, wait_dlrs;
    long sent, acked, failed, in_flight, dlrs;
} Bench;

static double now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

static Octstr *hex_field(Octstr *line, long field)
{
    List *words = octstr_split_words(line);
    Octstr *out = octstr_duplicate(gwlist_get(words, field));

    gwlist_destroy(words, octstr_destroy_item);
    if (octstr_hex_to_binary(out) == -1)
        panic(0, "bad hex in the segments file");
    return out;
}

static List *load_segments(const char *path)
{
    Octstr *text = octstr_read_file(path);
    List *lines, *segments = gwlist_create();
    Octstr *line;

    if (text == NULL)
        panic(0, "cannot read %s", path);
    lines = octstr_split(text, octstr_imm("\n"));
    while ((line = gwlist_extract_first(lines)) != NULL) {
        if (octstr_len(line) > 0) {
            gwlist_append(segments, hex_field(line, 0));
            gwlist_append(segments, hex_field(line, 1));
        }
        octstr_destroy(line);
    }
    gwlist_destroy(lines, NULL);
    octstr_destroy(text);
    return segments;
}

static void send_msg(Bench *b, Msg *msg)
{
    Octstr *pack = box_msg_pack(msg);

    if (conn_write_withlen(b->conn, pack) == -1)
        panic(0, "write to bearerbox failed");
    octstr_destroy(pack);
    msg_destroy(msg);
}

static void identify(Bench *b)
{
    Msg *msg = box_msg_create(admin);

    msg->admin.command = cmd_identify;
    msg->admin.boxc_id = octstr_create(BOX_ID);
    send_msg(b, msg);
}

static Msg *segment_msg(Bench *b, long job, long k)
{
    Msg *msg = box_msg_create(sms);

    box_msg_new_id(msg->sms.id);

    msg->sms.sms_type = mt_push;
    msg->sms.coding = DC_8BIT;
    msg->sms.sender = octstr_create("1234");
    msg->sms.receiver = octstr_format("%ld", RECEIVER_BASE + job);
    msg->sms.udhdata = octstr_duplicate(gwlist_get(b->segments, 2 * k));
    msg->sms.msgdata = octstr_duplicate(gwlist_get(b->segments, 2 * k + 1));
    msg->sms.time = time(NULL);
    msg->sms.boxc_id = octstr_create(BOX_ID);
    msg->sms.dlr_mask = b->dlr_mask;
    msg->sms.dlr_url = octstr_format("bench;%ld;%ld", job, k);
    return msg;
}

/* Send segments while the window has room. */
static void fill_window(Bench *b)
{
    long per_job = gwlist_len(b->segments) / 2;
    long total = b->count * per_job;

    while (b->in_flight < b->window && b->sent < total) {
        send_msg(b, segment_msg(b, b->sent / per_job, b->sent % per_job));
        b->sent++;
        b->in_flight++;
    }
    conn_flush(b->conn);
}

static void ack_report(Bench *b, Msg *report)
{
    Msg *reply = box_msg_create(ack);

    reply->ack.nack = ack_success;
    reply->ack.time = report->sms.time;
    uuid_copy(reply->ack.id, report->sms.id);
    send_msg(b, reply);
    b->dlrs++;
}

static void handle(Bench *b, Msg *msg)
{
    if (msg_type(msg) == ack) {
        b->in_flight--;
        if (msg->ack.nack == ack_success || msg->ack.nack == ack_buffered)
            b->acked++;
        else
            b->failed++;
    } else if (msg_type(msg) == sms) {
        ack_report(b, msg);
    }
    msg_destroy(msg);
}

static int done(Bench *b)
{
    long total = b->count * (gwlist_len(b->segments) / 2);

    return b->acked + b->failed >= total && b->dlrs >= b->wait_dlrs;
}

static void run(Bench *b)
{
    Msg *msg;
    int ret;

    while (!done(b)) {
        fill_window(b);
        ret = box_msg_read(b->conn, &msg, 10.0);
        if (ret == -1)
            panic(0, "bearerbox closed the connection");
        if (ret == 1)
            panic(0, "no answer from bearerbox for 10 s");
        if (msg != NULL)
            handle(b, msg);
        while (conn_inbuf_len(b->conn) > 0
               && box_msg_read(b->conn, &msg, 0) == 0 && msg != NULL)
            handle(b, msg);
        conn_flush(b->conn);
    }
}

int main(int argc, char **argv)
{
    Bench b;
    Octstr *host;
    double start;

    if (argc < 7) {
        fprintf(stderr, "usage: %s HOST PORT SEGMENTS-FILE COUNT WINDOW DLR-MASK [WAIT-DLRS]\n",
                argv[0]);
        return 2;
    }
    gwlib_init();
    log_set_output_level(GW_WARNING);
    memset(&b, 0, sizeof(b));
    b.segments = load_segments(argv[3]);
    b.count = atol(argv[4]);
    b.window = atol(argv[5]);
    b.dlr_mask = atol(argv[6]);
    b.wait_dlrs = argc > 7 ? atol(argv[7]) : 0;
    host = octstr_create(argv[1]);
    b.conn = connect_to_bearerbox_real(host, atoi(argv[2]), 0, NULL);
    if (b.conn == NULL)
        panic(0, "cannot connect to bearerbox");
    identify(&b);
    start = now();
    run(&b);
    printf("sent=%ld acked=%ld failed=%ld dlrs=%ld seconds=%.3f\n", b.sent, b.acked,
           b.failed, b.dlrs, now() - start);
    conn_destroy(b.conn);
    octstr_destroy(host);
    gwlist_destroy(b.segments, octstr_destroy_item);
    gwlib_shutdown();
    return 0;
}
