/*
 * signer.c - OMA ProvBoot security for provbox: HMAC keys per security
 * mode, HMAC-SHA1 MACs and USERPINMAC entry codes (credentials are checked
 * by common/sec_mode.c).
 *
 * Everything here handles secrets: key buffers are wiped before they are
 * freed.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "encode/signer.h"

#define SHA1_LEN 20

/* Wipe a buffer that held key material, then free it. */
static void destroy_secret(Octstr *secret)
{
    if (secret == NULL)
        return;
    OPENSSL_cleanse(octstr_get_cstr(secret), octstr_len(secret));
    octstr_destroy(secret);
}

/*
 * EF_IMSI without its length byte: the first octet holds digit 1 in the
 * high nibble and the parity nibble (9 odd count, 1 even) in the low one;
 * then two digits per octet, low nibble first; an even count leaves the
 * last high nibble as the F filler.
 */
Octstr *signer_imsi_key(Octstr *imsi, Octstr **error)
{
    Octstr *key;
    long n, i;
    int low, high;

    if (sec_mode_check_credentials(SEC_NETWPIN, NULL, imsi, error) < 0)
        return NULL;
    n = octstr_len(imsi);
    key = octstr_create("");
    octstr_append_char(key, ((octstr_get_char(imsi, 0) - '0') << 4)
                            | (n % 2 ? 0x9 : 0x1));
    for (i = 1; i < n; i += 2) {
        low = octstr_get_char(imsi, i) - '0';
        high = i + 1 < n ? octstr_get_char(imsi, i + 1) - '0' : 0xF;
        octstr_append_char(key, (high << 4) | low);
    }
    return key;
}

Octstr *signer_key(SecMode mode, Octstr *pin, Octstr *imsi, Octstr **error)
{
    Octstr *key;

    if (mode == SEC_NONE) {
        *error = octstr_create("security mode NONE has no key");
        return NULL;
    }
    if (sec_mode_check_credentials(mode, pin, imsi, error) < 0)
        return NULL;
    if (sec_mode_needs_imsi(mode)) {
        key = signer_imsi_key(imsi, error);
        if (key == NULL)
            return NULL;
    } else {
        key = octstr_create("");
    }
    if (sec_mode_needs_pin(mode))
        octstr_append(key, pin);
    return key;
}

static void hmac_sha1(Octstr *key, Octstr *data, unsigned char mac[SHA1_LEN])
{
    unsigned int mac_len = SHA1_LEN;

    if (HMAC(EVP_sha1(), octstr_get_cstr(key), (int) octstr_len(key),
             (const unsigned char *) octstr_get_cstr(data),
             (size_t) octstr_len(data), mac, &mac_len) == NULL)
        panic(0, "HMAC-SHA1 failed inside OpenSSL");
}

/* The PIN followed by |PIN| digits, digit i = MAC octet i mod 10. */
static Octstr *entry_code(Octstr *pin, const unsigned char mac[SHA1_LEN])
{
    Octstr *code = octstr_duplicate(pin);
    long i;

    for (i = 0; i < octstr_len(pin); i++)
        octstr_append_char(code, '0' + mac[i] % 10);
    return code;
}

/* HMAC-SHA1(key for mode, wbxml) into mac; 0, or -1 + *error. */
static int compute_mac(SecMode mode, Octstr *pin, Octstr *imsi,
                       Octstr *wbxml, unsigned char mac[SHA1_LEN],
                       Octstr **error)
{
    Octstr *key = signer_key(mode, pin, imsi, error);

    if (key == NULL)
        return -1;
    hmac_sha1(key, wbxml, mac);
    destroy_secret(key);
    return 0;
}

static Octstr *mac_to_hex(const unsigned char mac[SHA1_LEN])
{
    Octstr *hex = octstr_create_from_data((const char *) mac, SHA1_LEN);

    octstr_binary_to_hex(hex, 1);
    return hex;
}

Octstr *signer_mac(SecMode mode, Octstr *pin, Octstr *imsi, Octstr *wbxml,
                   Octstr **error)
{
    unsigned char mac[SHA1_LEN];
    Octstr *hex;

    if (compute_mac(mode, pin, imsi, wbxml, mac, error) < 0)
        return NULL;
    hex = mac_to_hex(mac);
    OPENSSL_cleanse(mac, sizeof(mac));
    return hex;
}

Signature *signer_sign(SecMode mode, Octstr *pin, Octstr *imsi,
                       Octstr *wbxml, Octstr **error)
{
    Signature *sig;
    unsigned char mac[SHA1_LEN];

    if (mode != SEC_NONE && compute_mac(mode, pin, imsi, wbxml, mac, error) < 0)
        return NULL;
    sig = gw_malloc(sizeof(*sig));
    sig->mode = mode;
    sig->mac_hex = NULL;
    sig->entry_code = NULL;
    if (mode == SEC_USERPINMAC)
        sig->entry_code = entry_code(pin, mac);
    else if (mode != SEC_NONE)
        sig->mac_hex = mac_to_hex(mac);
    OPENSSL_cleanse(mac, sizeof(mac));
    return sig;
}

void signature_destroy(Signature *sig)
{
    if (sig == NULL)
        return;
    octstr_destroy(sig->mac_hex);
    destroy_secret(sig->entry_code);
    gw_free(sig);
}
