/*
 * box_msg.c - Msgs without msg_create()'s random ids (see box_msg.h).
 */
#include <openssl/rand.h>

#include "daemon/box_msg.h"
#include "common/hex.h"

Msg *box_msg_create(enum msg_type type)
{
    Msg *msg = gw_malloc(sizeof(*msg));

    msg->type = type;
#define INTEGER(name) p->name = MSG_PARAM_UNDEFINED;
#define OCTSTR(name) p->name = NULL;
#define UUID(name) uuid_clear(p->name);
#define VOID(name) p->name = NULL;
#define MSG(kind, stmt) { struct kind *p = &msg->kind; stmt }
#include "gw/msg-decl.h"
    return msg;
}

/* Ids are drawn IDS_AT_ONCE at a time: RAND_bytes() asks getpid() each call. */
#define IDS_AT_ONCE 64

void box_msg_new_id(uuid_t id)
{
    static __thread unsigned char drawn[IDS_AT_ONCE][sizeof(uuid_t)];
    static __thread int left;

    if (left == 0 && RAND_bytes(drawn[0], sizeof(drawn)) == 1)
        left = IDS_AT_ONCE;
    if (left == 0) {
        uuid_generate(id);      /* OpenSSL's generator failed: gwlib's */
        return;
    }
    memcpy(id, drawn[--left], sizeof(uuid_t));
    id[6] = (id[6] & 0x0F) | 0x40;      /* version 4: random */
    id[8] = (id[8] & 0x3F) | 0x80;      /* variant: RFC 4122 */
}

static int read_integer(Octstr *packed, long *off, long *value)
{
    unsigned char bytes[4];

    if (*off + 4 > octstr_len(packed))
        return -1;
    octstr_get_many_chars((char *) bytes, packed, *off, 4);
    *value = decode_network_long(bytes);
    *off += 4;
    return 0;
}

static int read_string(Octstr *packed, long *off, Octstr **value)
{
    long len;

    if (read_integer(packed, off, &len) == -1 || len < -1 || *off + len > octstr_len(packed))
        return -1;
    if (len == -1) {
        *value = NULL;
        return 0;
    }
    *value = octstr_copy(packed, *off, len);
    *off += len;
    return 0;
}

/* What uuid_parse() reads: 8-4-4-4-12 hex digits (without its strtoul()s). */
static int parse_id(const char *text, uuid_t id)
{
    int i, k = 0, high, low;

    for (i = 0; i < 16; i++) {
        if ((i == 4 || i == 6 || i == 8 || i == 10) && text[k++] != '-')
            return -1;
        high = hex_digit_value(text[k++]);
        low = hex_digit_value(text[k++]);
        if (high < 0 || low < 0)
            return -1;
        id[i] = (high << 4) | low;
    }
    return 0;
}

static int read_id(Octstr *packed, long *off, uuid_t id)
{
    char text[UUID_STR_LEN];
    long len;

    if (read_integer(packed, off, &len) == -1 || len != UUID_STR_LEN
        || *off + len > octstr_len(packed))
        return -1;
    octstr_get_many_chars(text, packed, *off, len);
    *off += len;
    return parse_id(text, id);
}

Msg *box_msg_unpack(Octstr *packed)
{
    long off = 0, type;
    Msg *msg;

    if (read_integer(packed, &off, &type) == -1 || type < 0 || type >= msg_type_count)
        return NULL;
    msg = box_msg_create(type);
#define INTEGER(name) if (read_integer(packed, &off, &p->name) == -1) goto bad;
#define OCTSTR(name) if (read_string(packed, &off, &p->name) == -1) goto bad;
#define UUID(name) if (read_id(packed, &off, p->name) == -1) goto bad;
#define VOID(name)
#define MSG(kind, stmt) case kind: { struct kind *p = &msg->kind; stmt } break;
    switch (msg->type) {
#include "gw/msg-decl.h"
    default:
        goto bad;
    }
    return msg;
bad:
    msg_destroy(msg);
    return NULL;
}

/* Packing: the size first, then the bytes into one buffer (appending
 * field by field to an Octstr grew it some 40 times a message). */
static long string_size(Octstr *value)
{
    return 4 + (value != NULL ? octstr_len(value) : 0);
}

static long packed_size(Msg *msg)
{
    long size = 4;

#define INTEGER(name) size += 4;
#define OCTSTR(name) size += string_size(p->name);
#define UUID(name) size += 4 + UUID_STR_LEN;
#define VOID(name)
#define MSG(kind, stmt) case kind: { struct kind *p = &msg->kind; (void) p; stmt } break;
    switch (msg->type) {
#include "gw/msg-decl.h"
    default:
        panic(0, "box_msg_pack: a Msg of unknown type %d", msg->type);
    }
    return size;
}

static void write_integer(unsigned char **at, long value)
{
    encode_network_long(*at, value);
    *at += 4;
}

static void write_string(unsigned char **at, Octstr *value)
{
    if (value == NULL) {
        write_integer(at, -1);
        return;
    }
    write_integer(at, octstr_len(value));
    octstr_get_many_chars((char *) *at, value, 0, octstr_len(value));
    *at += octstr_len(value);
}

/* As uuid_unparse() writes it: 8-4-4-4-12 lower-case hex digits. */
static void write_id(unsigned char **at, const uuid_t id)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char *text;
    int i;

    write_integer(at, UUID_STR_LEN);
    text = *at;
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *text++ = '-';
        *text++ = hex[id[i] >> 4];
        *text++ = hex[id[i] & 0x0F];
    }
    *at += UUID_STR_LEN;
}

Octstr *box_msg_pack(Msg *msg)
{
    long size = packed_size(msg);
    unsigned char *bytes = gw_malloc(size), *at = bytes;
    Octstr *packed;

    write_integer(&at, msg->type);
#define INTEGER(name) write_integer(&at, p->name);
#define OCTSTR(name) write_string(&at, p->name);
#define UUID(name) write_id(&at, p->name);
#define VOID(name)
#define MSG(kind, stmt) case kind: { struct kind *p = &msg->kind; stmt } break;
    switch (msg->type) {
#include "gw/msg-decl.h"
    default:
        break;      /* packed_size() refused it */
    }
    gw_assert(at - bytes == size);
    packed = octstr_create_from_data((char *) bytes, size);
    gw_free(bytes);
    return packed;
}

int box_msg_read(Connection *conn, Msg **msg, double seconds)
{
    Octstr *packed;
    int ret;

    *msg = NULL;
    while ((packed = conn_read_withlen(conn)) == NULL) {
        if (conn_error(conn) || conn_eof(conn))
            return -1;
        if ((ret = conn_wait(conn, seconds)) != 0)
            return ret < 0 ? -1 : 1;
    }
    *msg = box_msg_unpack(packed);
    octstr_destroy(packed);
    return 0;
}
