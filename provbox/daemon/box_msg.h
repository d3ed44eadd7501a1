/*
 * box_msg.h - the Msgs provbox itself makes for bearerbox (segments, acks
 * of delivery reports), without msg_create()'s random ids.
 *
 * msg_create() sets up every message type's fields at once, so each Msg it
 * makes draws two random UUIDs (sms.id and ack.id): a read of /dev/urandom
 * and some 47 random() calls each. A segment needs one id, an ack copies
 * the report's. box_msg_create() sets the fields as msg_create() does
 * (Kannel's msg-decl.h), ids all zero; box_msg_new_id() draws a random
 * (version 4) UUID from OpenSSL's generator, without a system call.
 *
 * msg_unpack() starts from msg_create() too: box_msg_unpack() reads what
 * msg_pack() wrote (each field of the type in msg-decl.h's order: integers
 * as 4 bytes in network order, strings as such a length, -1 for none, then
 * the bytes; ids as their 36-character text) into box_msg_create()'s Msg.
 * Four messages come in for every segment sent with reports; their eight
 * ids were most of provbox's system calls. box_msg_pack() writes that form
 * as msg_pack() does, the ids' text without a sprintf() a byte.
 * test_box_msg checks both against msg_unpack() and msg_pack().
 */
#ifndef PROVBOX_BOX_MSG_H
#define PROVBOX_BOX_MSG_H

#include "gwlib/gwlib.h"
#include "gw/msg.h"

Msg *box_msg_create(enum msg_type type);
void box_msg_new_id(uuid_t id);
/* The Msg msg_pack() made `packed` from, or NULL if it is not one. */
Msg *box_msg_unpack(Octstr *packed);
/* What msg_pack() makes of msg. */
Octstr *box_msg_pack(Msg *msg);
/* One message from conn, as read_from_bearerbox_real() reads it but by
 * box_msg_unpack(): 0 and *msg (NULL for a message that does not unpack),
 * 1 after `seconds` without one, -1 when the connection breaks. */
int box_msg_read(Connection *conn, Msg **msg, double seconds);

#endif
