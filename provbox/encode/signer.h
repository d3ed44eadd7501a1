/*
 * signer.h - OMA ProvBoot security: keys, HMAC-SHA1 MACs, USERPINMAC codes.
 *
 * MAC = HMAC-SHA1(key, WBXML document), sent as 40 upper-case hex digits.
 * Keys: NETWPIN = the IMSI as EF_IMSI semi-octets without the length byte
 * (first nibble 9 for an odd digit count, 1 for even; F filler); USERPIN =
 * the PIN's ASCII bytes; USERNETWPIN = NETWPIN key followed by the PIN;
 * USERPINMAC = the PIN's ASCII bytes, and the entry code the user types is
 * the PIN followed by one digit per PIN digit (MAC byte i mod 10).
 * NONE = unsigned.
 *
 * USERPINMAC pushes carry SEC=USERPINMAC but no MAC parameter: the check
 * digits the user types authenticate the document, and HMAC(PIN, body) in
 * the header would let anyone who sees the SMS brute-force the PIN offline
 * (receivers ignore that MAC or treat it as optional). So signer_sign()
 * leaves mac_hex NULL for USERPINMAC; signer_mac() still computes it, for
 * `provctl inspect` to check pushes from senders that do send it.
 *
 * Security modes, and the form of their credentials, are common/sec_mode.h's;
 * every function here checks the credentials it is given against it.
 * Thread-safe; no global state.
 */
#ifndef PROVBOX_SIGNER_H
#define PROVBOX_SIGNER_H

#include "gwlib/gwlib.h"
#include "common/sec_mode.h"

/* The NETWPIN key bytes for a decimal IMSI, or NULL + *error. */
Octstr *signer_imsi_key(Octstr *imsi, Octstr **error);

/* The HMAC key for a mode, or NULL + *error (SEC_NONE: error). */
Octstr *signer_key(SecMode mode, Octstr *pin, Octstr *imsi, Octstr **error);

/* HMAC-SHA1(signer_key(mode), wbxml) as 40 upper-case hex digits, for any
 * mode but SEC_NONE, or NULL + *error. */
Octstr *signer_mac(SecMode mode, Octstr *pin, Octstr *imsi, Octstr *wbxml,
                   Octstr **error);

typedef struct Signature {
    SecMode mode;
    Octstr *mac_hex;      /* 40 upper-case hex digits; NULL for SEC_NONE
                             and SEC_USERPINMAC (not sent, see above) */
    Octstr *entry_code;   /* USERPINMAC only: PIN + check digits; else NULL */
} Signature;

/* Sign a WBXML document. Returns NULL + *error on bad credentials. */
Signature *signer_sign(SecMode mode, Octstr *pin, Octstr *imsi,
                       Octstr *wbxml, Octstr **error);
void signature_destroy(Signature *sig);

#endif
