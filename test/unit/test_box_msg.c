/*
 * test_box_msg.c - unit tests of provbox/daemon/box_msg.c: a Msg from
 * box_msg_create() packs byte for byte as msg_create()'s of every type
 * once both carry the same ids, with every id zero until drawn; a drawn id
 * is a version 4 UUID, and 100,000 of them are all different; 2,000
 * random messages of every type pack as msg_pack() packs them and unpack
 * as msg_unpack() unpacks them, and every cut-short packet, a bad type or
 * a bad id unpacks to NULL.
 */
#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "daemon/box_msg.h"
#include "../lib/tap.h"

#define IDS 100000

static const char *type_names[] = { "heartbeat", "admin", "sms", "ack", "wdp_datagram" };

static void test_same_as_msg_create(void)
{
    enum msg_type t;

    for (t = 0; t < msg_type_count; t++) {
        Msg *ours = box_msg_create(t), *gwlibs = msg_create(t);
        Octstr *a, *b;

        ok(uuid_is_null(ours->sms.id) && uuid_is_null(ours->ack.id),
           "%s: ids zero until drawn", type_names[t]);
        uuid_copy(ours->sms.id, gwlibs->sms.id);
        uuid_copy(ours->ack.id, gwlibs->ack.id);
        a = msg_pack(ours);
        b = msg_pack(gwlibs);
        ok_bytes(octstr_get_cstr(a), octstr_len(a), octstr_get_cstr(b), octstr_len(b),
                 type_names[t]);
        octstr_destroy(a);
        octstr_destroy(b);
        msg_destroy(ours);
        msg_destroy(gwlibs);
    }
}

static void test_filled_segment_packs_alike(void)
{
    Msg *ours = box_msg_create(sms), *gwlibs = msg_create(sms);
    Msg *both[2] = { ours, gwlibs };
    Octstr *a, *b;
    int k;

    for (k = 0; k < 2; k++) {
        both[k]->sms.sms_type = mt_push;
        both[k]->sms.receiver = octstr_create("4790000001");
        both[k]->sms.msgdata = octstr_create("payload");
        both[k]->sms.dlr_mask = 27;
    }
    box_msg_new_id(ours->sms.id);
    uuid_copy(gwlibs->sms.id, ours->sms.id);
    uuid_copy(ours->ack.id, gwlibs->ack.id);
    a = msg_pack(ours);
    b = msg_pack(gwlibs);
    ok_bytes(octstr_get_cstr(a), octstr_len(a), octstr_get_cstr(b), octstr_len(b),
             "a filled segment");
    octstr_destroy(a);
    octstr_destroy(b);
    msg_destroy(ours);
    msg_destroy(gwlibs);
}

static int id_compare(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(uuid_t));
}

static void test_ids(void)
{
    uuid_t *ids = gw_malloc(IDS * sizeof(uuid_t));
    long i, v4 = 0, same = 0;
    char text[UUID_STR_LEN + 1];
    uuid_t back;

    for (i = 0; i < IDS; i++) {
        box_msg_new_id(ids[i]);
        v4 += (ids[i][6] >> 4) == 4 && (ids[i][8] & 0xC0) == 0x80;
    }
    ok(v4 == IDS, "every id is a version 4 UUID (%ld of %d)", v4, IDS);
    qsort(ids, IDS, sizeof(uuid_t), id_compare);
    for (i = 1; i < IDS; i++)
        same += memcmp(ids[i - 1], ids[i], sizeof(uuid_t)) == 0;
    ok(same == 0, "%d ids, all different (%ld repeated)", IDS, same);
    uuid_unparse(ids[0], text);
    ok(uuid_parse(text, back) == 0 && memcmp(back, ids[0], sizeof(uuid_t)) == 0,
       "an id survives its text form (as msg_pack() sends it)");
    gw_free(ids);
}

static Octstr *random_octstr(void)
{
    long i, n = gw_rand() % 40;
    Octstr *os;

    if (gw_rand() % 4 == 0)
        return NULL;
    os = octstr_create("");
    for (i = 0; i < n; i++)
        octstr_append_char(os, gw_rand() % 256);
    return os;
}

static long random_integer(void)
{
    switch (gw_rand() % 4) {
    case 0: return MSG_PARAM_UNDEFINED;
    case 1: return gw_rand() % 10;
    case 2: return -(long) (gw_rand() % 100000);
    default: return gw_rand() % 2000000000;
    }
}

/* A message of type t with every field of its type random. */
static Msg *random_msg(enum msg_type t)
{
    Msg *msg = msg_create(t);

#define INTEGER(name) p->name = random_integer();
#define OCTSTR(name) p->name = random_octstr();
#define UUID(name) box_msg_new_id(p->name);
#define VOID(name)
#define MSG(kind, stmt) if (t == kind) { struct kind *p = &msg->kind; stmt }
#include "gw/msg-decl.h"
    return msg;
}

static void test_unpack_random(void)
{
    long i, alike = 0, total = 0;
    enum msg_type t;

    for (t = 0; t < msg_type_count; t++) {
        for (i = 0; i < 2000; i++) {
            Msg *m = random_msg(t), *ours, *gwlibs;
            Octstr *packed = msg_pack(m), *a, *b;

            ours = box_msg_unpack(packed);
            gwlibs = msg_unpack(packed);
            a = ours != NULL ? msg_pack(ours) : octstr_create("(none)");
            b = msg_pack(gwlibs);
            alike += octstr_compare(a, b) == 0 && octstr_compare(a, packed) == 0
                     && ours->type == t;
            total++;
            octstr_destroy(a);
            octstr_destroy(b);
            octstr_destroy(packed);
            msg_destroy(ours);
            msg_destroy(gwlibs);
            msg_destroy(m);
        }
    }
    ok(alike == total, "random messages of every type unpack as msg_unpack() does "
       "(%ld of %ld)", alike, total);
}

static void test_pack_random(void)
{
    long i, alike = 0, total = 0;
    enum msg_type t;

    for (t = 0; t < msg_type_count; t++) {
        for (i = 0; i < 2000; i++) {
            Msg *m = random_msg(t);
            Octstr *ours = box_msg_pack(m), *gwlibs = msg_pack(m);

            alike += octstr_compare(ours, gwlibs) == 0;
            total++;
            octstr_destroy(ours);
            octstr_destroy(gwlibs);
            msg_destroy(m);
        }
    }
    ok(alike == total, "random messages of every type pack as msg_pack() does "
       "(%ld of %ld)", alike, total);
}

static void test_unpack_refuses(void)
{
    Msg *m = random_msg(sms), *got;
    Octstr *packed = msg_pack(m), *cut, *bad, *id_text;
    long len, refused = 0, uuid_at;
    char id[UUID_STR_LEN + 1];

    for (len = 0; len < octstr_len(packed); len++) {
        cut = octstr_copy(packed, 0, len);
        got = box_msg_unpack(cut);
        refused += got == NULL;
        msg_destroy(got);
        octstr_destroy(cut);
    }
    ok(refused == octstr_len(packed), "every cut-short packet is refused (%ld of %ld)",
       refused, octstr_len(packed));
    bad = octstr_duplicate(packed);
    octstr_set_char(bad, 3, msg_type_count);
    got = box_msg_unpack(bad);
    ok(got == NULL, "an unknown type is refused");
    msg_destroy(got);
    octstr_destroy(bad);
    bad = octstr_duplicate(packed);
    uuid_unparse(m->sms.id, id);
    id_text = octstr_create(id);
    uuid_at = octstr_search(bad, id_text, 0);
    octstr_destroy(id_text);
    octstr_set_char(bad, uuid_at, 'x');
    got = box_msg_unpack(bad);
    ok(uuid_at > 0 && got == NULL, "an id that is not a UUID is refused");
    msg_destroy(got);
    octstr_destroy(bad);
    octstr_destroy(packed);
    msg_destroy(m);
}

int main(void)
{
    gwlib_init();
    test_same_as_msg_create();
    test_filled_segment_packs_alike();
    test_ids();
    test_pack_random();
    test_unpack_random();
    test_unpack_refuses();
    gwlib_shutdown();
    return tap_done();
}
