/*
 * sec_mode.h - the OMA ProvBoot security modes as jobs, sendota requests,
 * provctl and the configuration name them: NETWPIN, USERPIN, USERNETWPIN,
 * USERPINMAC and NONE (unsigned); the credentials each needs (an IMSI, a
 * PIN, or both) and their form: IMSI 6-15 decimal digits, PIN 4-16 decimal
 * digits in every PIN mode (so a USERPINMAC entry code is 8-32 digits).
 *
 * The vocabulary only: keys, MACs and entry codes are encode/signer.h's.
 * It sits in common/ so that the job format (spool/job.h) and lint can
 * name a mode without depending on the encoder.
 * Messages name what is wrong with a PIN or an IMSI (missing, its length,
 * a non-digit), never the value. Thread-safe; no global state.
 * Symbol prefix: sec_mode_.
 */
#ifndef PROVBOX_SEC_MODE_H
#define PROVBOX_SEC_MODE_H

#include "gwlib/gwlib.h"

typedef enum {
    SEC_NONE = -1,
    SEC_NETWPIN = 0,
    SEC_USERPIN = 1,
    SEC_USERNETWPIN = 2,
    SEC_USERPINMAC = 3
} SecMode;

/* Case-insensitive name -> mode. Returns 0, or -1 for an unknown name. */
int sec_mode_parse(Octstr *name, SecMode *mode);
const char *sec_mode_name(SecMode mode);
int sec_mode_needs_pin(SecMode mode);
int sec_mode_needs_imsi(SecMode mode);

/* Check that pin/imsi are present and well-formed for the mode. 0 or -1 + *error. */
int sec_mode_check_credentials(SecMode mode, Octstr *pin, Octstr *imsi, Octstr **error);

#endif
