/*
 * test_signer.c - unit tests of provbox/encode/signer.c against the
 * published vectors: IMSI keys (wire facts 4.1), the MACs over the spec
 * Appendix C document (4.5), the MOZ NETWPIN vector (5.2), the USERPINMAC
 * entry code (4.4), and credential rejection without echoing secrets.
 */
#include <stdlib.h>

#include "gwlib/gwlib.h"
#include "encode/signer.h"
#include "../lib/tap.h"
#include "../lib/test_data.h"

static void test_imsi_key(const char *imsi, const char *want_hex,
                          const char *what)
{
    Octstr *error = NULL;
    Octstr *key = signer_imsi_key(octstr_imm(imsi), &error);
    Octstr *want = from_hex(want_hex);

    if (key == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    ok_bytes(key ? octstr_get_cstr(key) : "", key ? octstr_len(key) : 0,
             octstr_get_cstr(want), octstr_len(want), what);
    octstr_destroy(key);
    octstr_destroy(want);
    octstr_destroy(error);
}

static void test_imsi_keys(void)
{
    test_imsi_key("262011234567890", "2926102143658709",
                  "IMSI key, 15 digits (odd): parity 9, no filler");
    test_imsi_key("23415012345678", "21435110325476F8",
                  "IMSI key, 14 digits (even): parity 1, F filler");
    test_imsi_key("262022033864727", "2926200233687472",
                  "IMSI key, MTK/spec example");
    test_imsi_key("466923103145252", "4966291330412525",
                  "IMSI key, MOZ vector");
    test_imsi_key("262010", "212610F0", "IMSI key, 6 digits: 4 octets, not padded");
    test_imsi_key("1234567", "19325476", "IMSI key, 7 digits: 4 octets");
}

static void test_mac(SecMode mode, const char *pin, const char *imsi,
                     Octstr *body, const char *want, const char *what)
{
    Octstr *error = NULL;
    Signature *sig = signer_sign(mode, pin ? octstr_imm(pin) : NULL,
                                 imsi ? octstr_imm(imsi) : NULL, body, &error);

    if (sig == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    ok_str(sig && sig->mac_hex ? octstr_get_cstr(sig->mac_hex) : NULL, want,
           what);
    signature_destroy(sig);
    octstr_destroy(error);
}

static void test_appendix_c_macs(Octstr *body)
{
    test_mac(SEC_NETWPIN, NULL, "262011234567890", body,
             "D1B8EE73EFC576C73364E72DD5F59F5CA0E6DF09",
             "NETWPIN 262011234567890 over Appendix C");
    test_mac(SEC_NETWPIN, NULL, "23415012345678", body,
             "2CDE0F6F58E09DC227283EC5E459203090C3529D",
             "NETWPIN 23415012345678 over Appendix C");
    test_mac(SEC_USERNETWPIN, "1234", "262011234567890", body,
             "F086F2D2132424DC22C6EAD3A166F2361CDA9712",
             "USERNETWPIN 262011234567890 + 1234 over Appendix C");
    test_mac(SEC_USERNETWPIN, "1234", "23415012345678", body,
             "A44BC7B70D37624D396EB6D786E895C617F16A03",
             "USERNETWPIN 23415012345678 + 1234 over Appendix C");
    test_mac(SEC_USERPIN, "1234", NULL, body,
             "B27336FEFC0C0A2A8C04A4A09E570C36C4F61E6C",
             "USERPIN 1234 over Appendix C");
}

static void test_moz_netwpin(void)
{
    Octstr *body = from_hex("030B6A004501");

    test_mac(SEC_NETWPIN, NULL, "466923103145252", body,
             "1AF545FE2823DC9347064450F90FF1BBF957E146",
             "MOZ NETWPIN vector (466923103145252)");
    octstr_destroy(body);
}

static void test_usernetwpin_key(void)
{
    Octstr *error = NULL;
    Octstr *key = signer_key(SEC_USERNETWPIN, octstr_imm("1234"),
                             octstr_imm("262011234567890"), &error);
    Octstr *want = from_hex("292610214365870931323334");

    ok_bytes(key ? octstr_get_cstr(key) : "", key ? octstr_len(key) : 0,
             octstr_get_cstr(want), octstr_len(want),
             "USERNETWPIN key = IMSI key followed by the PIN's ASCII");
    octstr_destroy(key);
    octstr_destroy(want);
    key = signer_key(SEC_NONE, NULL, NULL, &error);
    ok(key == NULL && error != NULL, "NONE has no key");
    octstr_destroy(error);
}

static void test_userpinmac(Octstr *body)
{
    Octstr *error = NULL;
    Signature *sig = signer_sign(SEC_USERPINMAC, octstr_imm("1234"), NULL,
                                 body, &error);
    Octstr *mac;

    ok_str(sig && sig->entry_code ? octstr_get_cstr(sig->entry_code) : NULL,
           "12348544", "USERPINMAC 1234 over Appendix C: entry code 12348544");
    ok(sig != NULL && sig->mode == SEC_USERPINMAC && sig->mac_hex == NULL,
       "USERPINMAC signature carries no header MAC");
    signature_destroy(sig);
    mac = signer_mac(SEC_USERPINMAC, octstr_imm("1234"), NULL, body, &error);
    ok_str(mac ? octstr_get_cstr(mac) : NULL,
           "B27336FEFC0C0A2A8C04A4A09E570C36C4F61E6C",
           "signer_mac(USERPINMAC) = HMAC keyed with the PIN (for inspect)");
    octstr_destroy(mac);
}

static void test_unsigned(Octstr *body)
{
    Octstr *error = NULL;
    Signature *sig = signer_sign(SEC_NONE, NULL, NULL, body, &error);

    ok(sig != NULL && sig->mode == SEC_NONE && sig->mac_hex == NULL
       && sig->entry_code == NULL, "NONE: unsigned signature, no MAC");
    signature_destroy(sig);
}

/* Rejected, with a message that does not contain the secret. */
static void test_rejected(SecMode mode, const char *pin, const char *imsi,
                          const char *cause, const char *what)
{
    Octstr *error = NULL;
    Signature *sig = signer_sign(mode, pin ? octstr_imm(pin) : NULL,
                                 imsi ? octstr_imm(imsi) : NULL,
                                 octstr_imm("document"), &error);
    int names_cause = error != NULL
                      && octstr_search(error, octstr_imm(cause), 0) >= 0;
    int echoes = error != NULL
                 && ((pin && *pin && octstr_search(error, octstr_imm(pin), 0) >= 0)
                     || (imsi && *imsi
                         && octstr_search(error, octstr_imm(imsi), 0) >= 0));

    ok(sig == NULL && names_cause && !echoes, "%s", what);
    if (error != NULL)
        tap_diag("message: %s", octstr_get_cstr(error));
    signature_destroy(sig);
    octstr_destroy(error);
}

static void test_rejections(void)
{
    test_rejected(SEC_NETWPIN, NULL, "26201123456789A", "IMSI",
                  "IMSI with a letter rejected");
    test_rejected(SEC_NETWPIN, NULL, "26201", "has 5",
                  "5-digit IMSI rejected");
    test_rejected(SEC_NETWPIN, NULL, "2620112345678901", "has 16",
                  "16-digit IMSI rejected");
    test_rejected(SEC_NETWPIN, NULL, "+262011234567", "IMSI",
                  "IMSI with a '+' rejected");
    test_rejected(SEC_NETWPIN, NULL, NULL, "IMSI is missing",
                  "NETWPIN without IMSI rejected");
    test_rejected(SEC_USERNETWPIN, "4321", NULL, "IMSI is missing",
                  "USERNETWPIN without IMSI rejected");
    test_rejected(SEC_USERNETWPIN, NULL, "262011234567890", "PIN is missing",
                  "USERNETWPIN without PIN rejected");
    test_rejected(SEC_USERPIN, "98a7", NULL, "PIN",
                  "PIN with a letter rejected");
    test_rejected(SEC_USERPIN, "987", NULL, "has 3", "3-digit PIN rejected");
    test_rejected(SEC_USERPIN, "98765432109876543", NULL, "has 17",
                  "17-digit PIN rejected");
    test_rejected(SEC_USERPINMAC, "987", NULL, "USERPINMAC PIN",
                  "3-digit USERPINMAC PIN rejected");
    test_rejected(SEC_USERPIN, "", NULL, "PIN is missing",
                  "empty PIN rejected");
}

static void test_credential_boundaries(void)
{
    Octstr *error = NULL;

    ok(sec_mode_check_credentials(SEC_USERPINMAC, octstr_imm("0000"), NULL,
                                &error) == 0, "4-digit USERPINMAC PIN accepted");
    ok(sec_mode_check_credentials(SEC_USERPIN, octstr_imm("1234567890123456"),
                                NULL, &error) == 0, "16-digit PIN accepted");
    ok(sec_mode_check_credentials(SEC_NETWPIN, NULL, octstr_imm("123456"),
                                &error) == 0, "6-digit IMSI accepted");
    ok(sec_mode_check_credentials(SEC_NONE, NULL, NULL, &error) == 0,
       "NONE needs no credentials");
    octstr_destroy(error);
}

static void test_mode_names(void)
{
    SecMode mode = SEC_NONE;

    ok(sec_mode_parse(octstr_imm("usernetwpin"), &mode) == 0
       && mode == SEC_USERNETWPIN, "mode names parse case-insensitively");
    ok(sec_mode_parse(octstr_imm("None"), &mode) == 0 && mode == SEC_NONE,
       "NONE parses");
    ok(sec_mode_parse(octstr_imm("USERPIN2"), &mode) == -1,
       "unknown mode name rejected");
    ok_str(sec_mode_name(SEC_USERPINMAC), "USERPINMAC", "mode name USERPINMAC");
    ok(sec_mode_needs_imsi(SEC_NETWPIN) && sec_mode_needs_imsi(SEC_USERNETWPIN)
       && !sec_mode_needs_imsi(SEC_USERPIN) && !sec_mode_needs_imsi(SEC_USERPINMAC)
       && !sec_mode_needs_imsi(SEC_NONE), "modes that need an IMSI");
    ok(!sec_mode_needs_pin(SEC_NETWPIN) && sec_mode_needs_pin(SEC_USERNETWPIN)
       && sec_mode_needs_pin(SEC_USERPIN) && sec_mode_needs_pin(SEC_USERPINMAC)
       && !sec_mode_needs_pin(SEC_NONE), "modes that need a PIN");
}

int main(void)
{
    Octstr *body;

    gwlib_init();
    log_set_output_level(GW_WARNING);
    body = read_vector("spec_appendixC.wbxml");
    ok(octstr_len(body) == 473, "Appendix C vector is 473 bytes");
    test_imsi_keys();
    test_appendix_c_macs(body);
    test_moz_netwpin();
    test_usernetwpin_key();
    test_userpinmac(body);
    test_unsigned(body);
    test_rejections();
    test_credential_boundaries();
    test_mode_names();
    octstr_destroy(body);
    gwlib_shutdown();
    return tap_done();
}
