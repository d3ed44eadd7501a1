/*
 * test_push.c - unit tests of provbox/encode/push.c and push_parse.c:
 * exact WSP header bytes per security mode (wire facts 2), WDP/SMS
 * segmentation boundaries and UDHs (3), max-segments refusal, round trips
 * through the parse side, and rejection of malformed PDUs and segments.
 */
#include <stdlib.h>

#include "gwlib/gwlib.h"
#include "encode/push.h"
#include "encode/signer.h"
#include "../lib/tap.h"
#include "../lib/test_data.h"

#define CONNECTIVITY "application/vnd.wap.connectivity-wbxml"

/* A PDU-like byte string of len octets with a recognisable pattern. */
static Octstr *pattern(long len)
{
    Octstr *s = octstr_create("");
    long i;

    for (i = 0; i < len; i++)
        octstr_append_char(s, (i * 7 + 3) & 0xFF);
    return s;
}

static int ok_octstr(Octstr *got, Octstr *want, const char *what)
{
    return ok_bytes(got ? octstr_get_cstr(got) : "", got ? octstr_len(got) : 0,
                    octstr_get_cstr(want), octstr_len(want), what);
}

static Signature *sign(SecMode mode, const char *pin, const char *imsi,
                       Octstr *body)
{
    Octstr *error = NULL;
    Signature *sig = signer_sign(mode, pin ? octstr_imm(pin) : NULL,
                                 imsi ? octstr_imm(imsi) : NULL, body, &error);

    if (sig == NULL)
        panic(0, "signing failed: %s", octstr_get_cstr(error));
    return sig;
}

/* build() must equal header_hex [+ mac text + NUL] followed by the body. */
static void test_header(Octstr *body, const Signature *sig, int tid,
                        const char *header_hex, const char *mac,
                        const char *what)
{
    Octstr *pdu = push_pdu_build(body, sig, tid);
    Octstr *want = from_hex(header_hex);

    if (mac != NULL) {
        octstr_append_cstr(want, mac);
        octstr_append_char(want, 0);
    }
    octstr_append(want, body);
    ok_octstr(pdu, want, what);
    octstr_destroy(pdu);
    octstr_destroy(want);
}

static void test_headers(Octstr *body)
{
    Signature *sig;

    sig = sign(SEC_NETWPIN, NULL, "262011234567890", body);
    test_header(body, sig, 1, "01062F1F2DB6918092",
                "D1B8EE73EFC576C73364E72DD5F59F5CA0E6DF09",
                "NETWPIN header = the facts' 2 example (01 06 2F 1F 2D B6 91 80 92 ... 00)");
    signature_destroy(sig);
    sig = sign(SEC_USERPIN, "1234", NULL, body);
    test_header(body, sig, 1, "01062F1F2DB6918192",
                "B27336FEFC0C0A2A8C04A4A09E570C36C4F61E6C",
                "USERPIN header (SEC 81)");
    signature_destroy(sig);
    sig = sign(SEC_USERNETWPIN, "1234", "262011234567890", body);
    test_header(body, sig, 0x28, "28062F1F2DB6918292",
                "F086F2D2132424DC22C6EAD3A166F2361CDA9712",
                "USERNETWPIN header (SEC 82), TID 28");
    signature_destroy(sig);
    sig = sign(SEC_USERPINMAC, "1234", NULL, body);
    test_header(body, sig, 1, "01060403B69183", NULL,
                "USERPINMAC header: short-length form, SEC 83, no MAC");
    signature_destroy(sig);
    sig = sign(SEC_NONE, NULL, NULL, body);
    test_header(body, sig, 1, "010601B6", NULL, "NONE: unsigned form 01 06 01 B6");
    signature_destroy(sig);
    test_header(body, NULL, 1, "010601B6", NULL, "no signature: unsigned form");
}

static Octstr *segment_udh(List *segments, long i)
{
    return ((PushSegment *) gwlist_get(segments, i))->udh;
}

static Octstr *segment_payload(List *segments, long i)
{
    return ((PushSegment *) gwlist_get(segments, i))->payload;
}

static List *split(long len, long ref, int ref_16bit, long max)
{
    Octstr *pdu = pattern(len), *error = NULL;
    List *segments = push_split(pdu, ref, ref_16bit, max, &error);

    if (segments == NULL)
        tap_diag("split %ld: %s", len, octstr_get_cstr(error));
    octstr_destroy(pdu);
    octstr_destroy(error);
    return segments;
}

/* The UDH segment seq of total must carry (reference 0x2A). */
static Octstr *expected_udh(long total, long seq, int ref_16bit)
{
    char hex[64];

    if (total == 1)
        sprintf(hex, "0605040B8423F0");
    else if (ref_16bit)
        sprintf(hex, "0C05040B8423F00804002A%02lX%02lX", total, seq);
    else
        sprintf(hex, "0B05040B8423F000032A%02lX%02lX", total, seq);
    return from_hex(hex);
}

/* Split len octets and check the count, each UDH and each payload size. */
static void test_split_shape(long len, int ref_16bit, long want_segments,
                             long want_last, const char *what)
{
    List *segments = split(len, 0x2A, ref_16bit, 20);
    long n = segments ? gwlist_len(segments) : -1;
    long i, capacity = want_segments == 1 ? 133 : ref_16bit ? 127 : 128;
    int pass = n == want_segments;
    Octstr *want;

    for (i = 0; pass && i < n; i++) {
        want = expected_udh(n, i + 1, ref_16bit);
        pass = octstr_compare(segment_udh(segments, i), want) == 0
               && octstr_len(segment_payload(segments, i))
                  == (i == n - 1 ? want_last : capacity)
               && octstr_len(segment_udh(segments, i))
                  + octstr_len(segment_payload(segments, i)) <= 140;
        if (!pass)
            tap_diag("segment %ld differs", i + 1);
        octstr_destroy(want);
    }
    ok(pass, "%s: %ld octets -> %ld segment(s) (got %ld)", what, len,
       want_segments, n);
    gwlist_destroy(segments, push_segment_destroy);
}

static void test_segmentation(void)
{
    test_split_shape(1, 0, 1, 1, "tiny PDU");
    test_split_shape(133, 0, 1, 133, "exactly one full single SMS");
    test_split_shape(134, 0, 2, 6, "one over: 8-bit concat");
    test_split_shape(256, 0, 2, 128, "exactly two full 8-bit segments");
    test_split_shape(257, 0, 3, 1, "one over two 8-bit segments");
    test_split_shape(133, 1, 1, 133, "16-bit asked, one SMS: no concat IE");
    test_split_shape(134, 1, 2, 7, "one over: 16-bit concat");
    test_split_shape(254, 1, 2, 127, "exactly two full 16-bit segments");
    test_split_shape(255, 1, 3, 1, "one over two 16-bit segments");
    test_split_shape(20 * 128, 0, 20, 128, "exactly max-segments");
}

static void test_ref16_bytes(void)
{
    List *segments = split(300, 0xBEEF, 1, 20);
    Octstr *want = from_hex("0C05040B8423F00804BEEF0303");

    ok_octstr(segments ? segment_udh(segments, 2) : NULL, want,
              "16-bit reference 0xBEEF: UDH 0C 05 04 0B 84 23 F0 08 04 BE EF 03 03");
    octstr_destroy(want);
    gwlist_destroy(segments, push_segment_destroy);
}

static void test_split_refused(long len, long ref, int ref_16bit, long max,
                               const char *want_error, const char *what)
{
    Octstr *pdu = pattern(len), *error = NULL;
    List *segments = push_split(pdu, ref, ref_16bit, max, &error);

    ok(segments == NULL && error != NULL
       && octstr_str_compare(error, want_error) == 0, "%s", what);
    if (error != NULL && octstr_str_compare(error, want_error) != 0)
        tap_diag("got '%s', want '%s'", octstr_get_cstr(error), want_error);
    gwlist_destroy(segments, push_segment_destroy);
    octstr_destroy(error);
    octstr_destroy(pdu);
}

static void test_max_segments(void)
{
    List *segments;

    test_split_refused(20 * 128 + 1, 1, 0, 20,
                       "document needs 21 segments, max-segments is 20",
                       "one octet over 20 segments refused");
    test_split_refused(22 * 128 + 1, 1, 0, 20,
                       "document needs 23 segments, max-segments is 20",
                       "23 segments refused, error names the count");
    test_split_refused(255 * 128 + 1, 1, 0, 255,
                       "document needs 256 segments, max-segments is 255",
                       "never above 255 segments");
    test_split_refused(10, 1, 0, 256, "max-segments is 256; it must be 1-255",
                       "max-segments 256 refused");
    test_split_refused(10, 1, 0, 0, "max-segments is 0; it must be 1-255",
                       "max-segments 0 refused");
    test_split_refused(10, 256, 0, 20,
                       "concatenation reference 256 is outside 0-255",
                       "8-bit reference 256 refused");
    test_split_refused(10, 65536, 1, 20,
                       "concatenation reference 65536 is outside 0-65535",
                       "16-bit reference 65536 refused");
    segments = split(255 * 128, 7, 0, 255);
    ok(segments != NULL && gwlist_len(segments) == 255,
       "255 full segments allowed with max-segments 255");
    gwlist_destroy(segments, push_segment_destroy);
}

static void test_parse_roundtrip(Octstr *body, SecMode mode, const char *pin,
                                 const char *imsi)
{
    Signature *sig = sign(mode, pin, imsi, body);
    Octstr *pdu = push_pdu_build(body, sig, 0x42), *error = NULL;
    PushInfo *info = push_pdu_parse(pdu, &error);
    int same_mac = sig->mac_hex == NULL
                   ? info != NULL && info->mac_hex == NULL
                   : info != NULL && info->mac_hex != NULL
                     && octstr_compare(info->mac_hex, sig->mac_hex) == 0;

    ok(info != NULL && info->tid == 0x42 && info->pdu_type == 6
       && octstr_str_compare(info->content_type, CONNECTIVITY) == 0
       && info->sec == mode && same_mac
       && octstr_compare(info->body, body) == 0,
       "parse(build(x)) gives back TID, type, SEC, MAC and body: %s",
       sec_mode_name(mode));
    if (info == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    push_info_destroy(info);
    octstr_destroy(pdu);
    octstr_destroy(error);
    signature_destroy(sig);
}

static void test_parse_roundtrips(Octstr *body)
{
    Octstr *pdu = push_pdu_build(body, NULL, 1), *error = NULL;
    PushInfo *info;

    test_parse_roundtrip(body, SEC_NETWPIN, NULL, "23415012345678");
    test_parse_roundtrip(body, SEC_USERPIN, "1234", NULL);
    test_parse_roundtrip(body, SEC_USERNETWPIN, "1234", "262011234567890");
    test_parse_roundtrip(body, SEC_USERPINMAC, "1234", NULL);
    test_parse_roundtrip(body, SEC_NONE, NULL, NULL);
    info = push_pdu_parse(pdu, &error);
    ok_str(info ? octstr_get_cstr(info->headers_hex) : NULL, "B6",
           "unsigned PDU: headers_hex is B6");
    push_info_destroy(info);
    octstr_destroy(pdu);
}

/* reassemble(split(x)) == x, with the segments in the given order. */
static void test_reassemble_order(long len, int ref_16bit, int reverse,
                                  const char *what)
{
    Octstr *pdu = pattern(len), *error = NULL, *joined;
    List *segments = push_split(pdu, 0x99, ref_16bit, 255, &error);
    List *ordered = gwlist_create();
    long i, n = gwlist_len(segments);

    for (i = 0; i < n; i++)
        gwlist_append(ordered, gwlist_get(segments, reverse ? n - 1 - i
                                                  : (i * 5) % n));
    joined = push_reassemble(ordered, &error);
    if (joined == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    ok_octstr(joined, pdu, what);
    octstr_destroy(joined);
    gwlist_destroy(ordered, NULL);
    gwlist_destroy(segments, push_segment_destroy);
    octstr_destroy(pdu);
    octstr_destroy(error);
}

static void test_reassembly(void)
{
    test_reassemble_order(50, 0, 0, "reassemble one segment");
    test_reassemble_order(134, 0, 0, "reassemble two 8-bit segments");
    test_reassemble_order(1000, 0, 1, "reassemble 8 segments in reverse order");
    test_reassemble_order(1000, 1, 1, "reassemble 16-bit segments in reverse order");
    test_reassemble_order(128 * 7 + 3, 0, 0, "reassemble 8 segments shuffled");
}

static void add_segment(List *segments, const char *udh_hex, const char *payload)
{
    gwlist_append(segments, push_segment_create(from_hex(udh_hex),
                                                octstr_create(payload)));
}

/* Segments given as "UDHHEX payload|UDHHEX payload|..." must be refused. */
static void test_reassembly_refused(const char *spec, const char *cause,
                                    const char *what)
{
    List *segments = gwlist_create();
    List *parts = octstr_split(octstr_imm(spec), octstr_imm("|"));
    Octstr *error = NULL, *joined, *part;
    char udh[128], payload[128];
    long i;

    for (i = 0; i < gwlist_len(parts); i++) {
        part = gwlist_get(parts, i);
        if (sscanf(octstr_get_cstr(part), "%127s %127s", udh, payload) == 2)
            add_segment(segments, udh, payload);
    }
    joined = push_reassemble(segments, &error);
    ok(joined == NULL && error != NULL
       && octstr_search(error, octstr_imm(cause), 0) >= 0, "%s", what);
    tap_diag("message: %s", error ? octstr_get_cstr(error) : "(none)");
    octstr_destroy(joined);
    octstr_destroy(error);
    gwlist_destroy(parts, octstr_destroy_item);
    gwlist_destroy(segments, push_segment_destroy);
}

static void test_reassembly_errors(void)
{
    List *none = gwlist_create();
    Octstr *error = NULL;

    ok(push_reassemble(none, &error) == NULL && error != NULL,
       "no segments refused");
    octstr_destroy(error);
    gwlist_destroy(none, NULL);
    test_reassembly_refused("0B05040B8423F0" "0003070301 a|"
                            "0B05040B8423F0" "0003070303 c",
                            "part 2 of 3 is missing", "missing part named");
    test_reassembly_refused("0B05040B8423F0" "0003070201 a|"
                            "0B05040B8423F0" "0003070201 b",
                            "part 1 of 2 appears twice", "duplicate part named");
    test_reassembly_refused("0B05040B8423F0" "0003070201 a|"
                            "0B05040B8423F0" "0003080202 b",
                            "does not belong", "different references refused");
    test_reassembly_refused("0B05040B8423F0" "0003070201 a|"
                            "0C05040B8423F0" "080400070202 b",
                            "does not belong", "8-bit and 16-bit references mixed");
    test_reassembly_refused("0B05040B8423F0" "0003070301 a|"
                            "0B05040B8423F0" "0003070202 b",
                            "does not belong", "different totals refused");
    test_reassembly_refused("0605040B8423F0 a|0605040B8423F0 b",
                            "no concatenation IE", "two unconcatenated segments");
    test_reassembly_refused("060504" "23F00B84 a", "destination port 9200",
                            "wrong destination port named");
    test_reassembly_refused("050003070101 a", "no port addressing IE",
                            "segment without port IE refused");
    test_reassembly_refused("0705040B8423F0 a", "length byte says 7",
                            "UDHL longer than the UDH");
    test_reassembly_refused("0605050B8423F0 a", "runs past the end",
                            "IE running past the UDH");
    test_reassembly_refused("0B05040B8423F0" "0003070200 a", "part 0 of 2",
                            "sequence number 0 refused");
    test_reassembly_refused("0B05040B8423F0" "0003070203 a", "part 3 of 2",
                            "sequence number above total refused");
    test_reassembly_refused("0A05040B8423F0" "00020702 a", "length 2, not 3",
                            "short concatenation IE refused");
    test_reassembly_refused("0C05040B8423F0" "05040B8423F0 a",
                            "two port addressing IEs", "two port IEs refused");
}

static void test_udh_parse(void)
{
    Octstr *udh = from_hex("0C05040B8423F00804BEEF0503"), *error = NULL;
    PushUdh info;

    ok(push_udh_parse(udh, &info, &error) == 0 && info.dest_port == 2948
       && info.src_port == 9200 && info.concat_bits == 16
       && info.ref == 0xBEEF && info.total == 5 && info.seq == 3,
       "push_udh_parse reads ports and the 16-bit concatenation IE");
    octstr_destroy(udh);
    udh = from_hex("0A240100" "05040B8423F0" "00");
    ok(push_udh_parse(udh, &info, &error) == -1 && error != NULL,
       "push_udh_parse: truncated trailing IE refused");
    octstr_destroy(error);
    octstr_destroy(udh);
    udh = from_hex("09240100" "05040B840B84");
    error = NULL;
    ok(push_udh_parse(udh, &info, &error) == 0 && info.dest_port == 2948
       && info.src_port == 2948 && info.concat_bits == 0,
       "push_udh_parse skips unrelated IEs (sendota-style source port 2948)");
    octstr_destroy(udh);
    octstr_destroy(error);
}

static void test_parse_refused(const char *pdu_hex, const char *cause,
                               const char *what)
{
    Octstr *pdu = from_hex(pdu_hex), *error = NULL;
    PushInfo *info = push_pdu_parse(pdu, &error);

    ok(info == NULL && error != NULL
       && octstr_search(error, octstr_imm(cause), 0) >= 0, "%s", what);
    tap_diag("message: %s", error ? octstr_get_cstr(error) : "(none)");
    push_info_destroy(info);
    octstr_destroy(error);
    octstr_destroy(pdu);
}

static void test_parse_errors(void)
{
    test_parse_refused("", "TID", "empty PDU refused");
    test_parse_refused("01", "PDU type", "TID only refused");
    test_parse_refused("0107" "01B6030B6A", "not a WSP Push", "PDU type 07 refused");
    test_parse_refused("0106", "header length", "no header length refused");
    test_parse_refused("0106FFFFFFFFFF", "not a valid uintvar",
                       "over-long uintvar refused");
    test_parse_refused("01060AB6030B6A", "header length 10",
                       "header length past the end refused");
    test_parse_refused("0106021F2D030B6A", "says 45 octets",
                       "Content-Type length past the headers refused");
    test_parse_refused("010600030B6A", "headers are empty",
                       "empty headers refused");
    test_parse_refused("010601B6", "no document", "PDU without a body refused");
    test_parse_refused("01060403B69184030B6A", "SEC value 4",
                       "unknown SEC value refused");
    test_parse_refused("01060603B6924142030B6A", "no terminating NUL",
                       "MAC without NUL refused");
    test_parse_refused("010603617070030B6A", "no terminating NUL",
                       "text media type without NUL refused");
    test_parse_refused("0106" "04" "03B69100" "030B6A", "not a valid integer",
                       "zero-length long integer refused");
}

static void test_parse_other_forms(void)
{
    Octstr *pdu, *error = NULL;
    PushInfo *info;

    /* SEC as Long-integer, quoted MAC, an untyped parameter x-a=y, then
     * X-Wap-Application-Id 4 as a second header */
    pdu = from_hex("0106" "13" "10" "B6" "91" "0102" "92" "22" "414243" "00"
                   "782D6100" "7900" "AF84" "030B6A");
    info = push_pdu_parse(pdu, &error);
    ok(info != NULL && info->sec == SEC_USERNETWPIN
       && octstr_str_compare(info->mac_hex, "ABC") == 0
       && octstr_len(info->body) == 3,
       "parse: long-integer SEC, quoted MAC, untyped parameter, extra header");
    if (info == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    push_info_destroy(info);
    octstr_destroy(pdu);
    octstr_destroy(error);
}

/* Every prefix of a valid PDU that cuts its headers must be refused. */
static void test_truncations(Octstr *body)
{
    Signature *sig = sign(SEC_NETWPIN, NULL, "262011234567890", body);
    Octstr *pdu = push_pdu_build(body, sig, 1), *prefix, *error;
    PushInfo *info;
    long cut, refused = 0;

    for (cut = 0; cut <= 49; cut++) {
        prefix = octstr_copy(pdu, 0, cut);
        error = NULL;
        info = push_pdu_parse(prefix, &error);
        refused += info == NULL && error != NULL;
        push_info_destroy(info);
        octstr_destroy(error);
        octstr_destroy(prefix);
    }
    ok(refused == 50, "all 50 truncations up to the end of the headers refused "
       "(%ld were)", refused);
    signature_destroy(sig);
    octstr_destroy(pdu);
}

/* A fixed-seed generator, so a failing mutation run can be repeated. */
static long next_random(void)
{
    static unsigned long state = 4711;

    state = state * 6364136223846793005UL + 1442695040888963407UL;
    return (long) (state >> 33);
}

/* Random byte flips: parse must answer with exactly one of info or error. */
static void test_mutations(Octstr *body)
{
    Signature *sig = sign(SEC_USERPIN, "1234", NULL, body);
    Octstr *pdu = push_pdu_build(body, sig, 1), *copy, *error;
    PushInfo *info;
    long i, consistent = 0, rounds = 5000;

    for (i = 0; i < rounds; i++) {
        copy = octstr_copy(pdu, 0, 8 + next_random() % 60);
        octstr_set_char(copy, next_random() % octstr_len(copy), next_random() & 0xFF);
        octstr_set_char(copy, next_random() % 8, next_random() & 0xFF);
        error = NULL;
        info = push_pdu_parse(copy, &error);
        consistent += (info == NULL) == (error != NULL);
        push_info_destroy(info);
        octstr_destroy(error);
        octstr_destroy(copy);
    }
    ok(consistent == rounds, "%ld mutated PDUs: each gives info or an error, "
       "never both or neither", rounds);
    signature_destroy(sig);
    octstr_destroy(pdu);
}

int main(void)
{
    Octstr *body;

    gwlib_init();
    log_set_output_level(GW_WARNING);
    body = read_vector("spec_appendixC.wbxml");
    test_headers(body);
    test_segmentation();
    test_ref16_bytes();
    test_max_segments();
    test_parse_roundtrips(body);
    test_reassembly();
    test_reassembly_errors();
    test_udh_parse();
    test_parse_errors();
    test_parse_other_forms();
    test_truncations(body);
    test_mutations(body);
    octstr_destroy(body);
    gwlib_shutdown();
    return tap_done();
}
