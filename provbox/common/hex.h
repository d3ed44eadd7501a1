/*
 * hex.h - the value of one hexadecimal digit, for the decoders that read
 * them (status escapes, percent-encoded values, capture files, message
 * ids).
 */
#ifndef PROVBOX_HEX_H
#define PROVBOX_HEX_H

/* 0 to 15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else. */
int hex_digit_value(int c);

#endif
