/*
 * box_link.h - provbox's connection to bearerbox (Kannel's box protocol).
 *
 * One thread owns the link: it connects (TCP or SSL), identifies with the
 * provbox-id (so bearerbox routes our delivery reports back and lists us as
 * smsbox:<id>), reads what bearerbox sends, and reconnects with a doubling
 * backoff when the link breaks. A heartbeat thread sends the load every
 * heartbeat-freq seconds. What arrives is handed to the handlers, in the link
 * thread:
 *
 *   on_connect     after each successful identify (resend what was unacked)
 *   on_disconnect  the link broke; nothing sent earlier will be acked now
 *   on_ack         bearerbox's ack for one of our MTs (handler owns the Msg)
 *   on_sms         a delivery report or MO (handler owns the Msg and must
 *                  call box_link_ack() once it has recorded it)
 *   on_admin       cmd_shutdown / cmd_restart from bearerbox
 *
 * box_link_send() queues and box_link_flush() pushes the bytes out; both may
 * be called from any thread and fail (-1) while the link is down.
 */
#ifndef PROVBOX_BOX_LINK_H
#define PROVBOX_BOX_LINK_H

#include <time.h>
#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "daemon/config.h"

typedef struct BoxLinkHandlers {
    void (*on_connect)(void *ctx);
    void (*on_disconnect)(void *ctx);
    void (*on_ack)(Msg *ack, void *ctx);
    void (*on_sms)(Msg *sms, void *ctx);
    void (*on_admin)(long command, void *ctx);
    void *ctx;
} BoxLinkHandlers;

typedef struct BoxLink BoxLink;

typedef struct BoxLinkState {
    int connected;
    time_t connected_since;   /* 0 when down */
    long reconnects;          /* successful connects after the first */
    long connect_failures;
    time_t last_ack;          /* when bearerbox last acknowledged an MT; 0: never */
} BoxLinkState;

BoxLink *box_link_start(const ProvboxConfig *config, const BoxLinkHandlers *handlers);
void box_link_stop(BoxLink *link);

/* Queue a Msg (not consumed). 0 queued, -1 link down. */
int box_link_send(BoxLink *link, Msg *msg);
/* Write everything queued; blocks while the socket is full. */
int box_link_flush(BoxLink *link);
/* Acknowledge an sms (DLR or MO) bearerbox sent us. */
void box_link_ack(BoxLink *link, Msg *sms, long nack);

BoxLinkState box_link_state(BoxLink *link);

#endif
