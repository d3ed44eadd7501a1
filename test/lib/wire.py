"""wire.py - an independent decoder for what provbox puts on the wire.

Written from the wire facts, sharing no code with provbox: reassembles
WDP/SMS segments from their UDH, parses the WSP push header, computes the
OMA ProvBoot keys and MACs with Python's hmac, and turns WBXML into an
element tree with libwbxml's wbxml2xml. Tests use it to check provbox's
output without trusting provbox's own decoder.
"""
import hashlib
import hmac
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

SEC_CODES = {"NETWPIN": 0, "USERPIN": 1, "USERNETWPIN": 2, "USERPINMAC": 3}


def imsi_key(imsi):
    """EF_IMSI semi-octets without the length byte (parity nibble 9/1, F filler)."""
    digits = [int(c) for c in imsi]
    nibbles = [9 if len(digits) % 2 else 1] + digits
    if len(nibbles) % 2:
        nibbles.append(0xF)
    return bytes(nibbles[i] | (nibbles[i + 1] << 4) for i in range(0, len(nibbles), 2))


def key_for(sec, pin=None, imsi=None):
    if sec == "NETWPIN":
        return imsi_key(imsi)
    if sec in ("USERPIN", "USERPINMAC"):
        return pin.encode()
    if sec == "USERNETWPIN":
        return imsi_key(imsi) + pin.encode()
    raise ValueError(sec)


def mac_hex(sec, body, pin=None, imsi=None):
    return hmac.new(key_for(sec, pin, imsi), body, hashlib.sha1).hexdigest().upper()


def entry_code(pin, body):
    mac = hmac.new(pin.encode(), body, hashlib.sha1).digest()
    return pin + "".join(str(mac[i] % 10) for i in range(len(pin)))


def parse_udh(udh):
    """-> dict: ports (dst, src), concat (ref, total, seq) or None."""
    if not udh or udh[0] != len(udh) - 1:
        raise ValueError("bad UDHL in %s" % udh.hex())
    info = {"ports": None, "concat": None}
    i = 1
    while i < len(udh):
        iei, length = udh[i], udh[i + 1]
        data = udh[i + 2:i + 2 + length]
        if iei == 0x05 and length == 4:
            info["ports"] = (data[0] << 8 | data[1], data[2] << 8 | data[3])
        elif iei == 0x00 and length == 3:
            info["concat"] = (data[0], data[1], data[2])
        elif iei == 0x08 and length == 4:
            info["concat"] = (data[0] << 8 | data[1], data[2], data[3])
        i += 2 + length
    return info


def reassemble(segments):
    """segments: list of (udh, data) of one message -> PDU bytes."""
    parsed = [(parse_udh(u), d) for u, d in segments]
    for info, _ in parsed:
        if info["ports"] != (2948, 9200):
            raise ValueError("ports %r, want (2948, 9200)" % (info["ports"],))
    if len(parsed) == 1 and parsed[0][0]["concat"] is None:
        return parsed[0][1]
    refs = {info["concat"][0] for info, _ in parsed}
    totals = {info["concat"][1] for info, _ in parsed}
    if len(refs) != 1 or totals != {len(parsed)}:
        raise ValueError("inconsistent concatenation %r" % [i["concat"] for i, _ in parsed])
    ordered = sorted(parsed, key=lambda p: p[0]["concat"][2])
    if [p[0]["concat"][2] for p in ordered] != list(range(1, len(parsed) + 1)):
        raise ValueError("missing or repeated segments")
    return b"".join(d for _, d in ordered)


def uintvar(data, i):
    value = 0
    while True:
        b = data[i]
        i += 1
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return value, i


def parse_content_type(headers):
    """The WSP Content-Type that opens `headers` -> (media, params).

    media: a well-known code (int; short-integer or long-integer form) or a
    text media type; params: sec (name), mac (hex text), charset (MIBenum),
    None when absent."""
    params = {"sec": None, "mac": None, "charset": None}
    if headers[0] & 0x80:              # short form: the media code alone
        return headers[0] & 0x7F, params
    if headers[0] == 0x1F:
        length, j = uintvar(headers, 1)
    else:
        length, j = headers[0], 1
    value = headers[j:j + length]
    if value[0] & 0x80:
        media, k = value[0] & 0x7F, 1
    elif value[0] < 0x1F:              # long-integer media code
        n = value[0]
        media, k = int.from_bytes(value[1:1 + n], "big"), 1 + n
    else:
        end = value.index(0)
        media, k = value[:end].decode("ascii"), end + 1
    names = {v: n for n, v in SEC_CODES.items()}
    while k < len(value):
        param = value[k]
        if param == 0x81:
            params["charset"] = value[k + 1] & 0x7F
            k += 2
        elif param == 0x91:
            params["sec"] = names[value[k + 1] & 0x7F]
            k += 2
        elif param == 0x92:
            end = value.index(0, k + 1)
            params["mac"] = value[k + 1:end].decode("ascii")
            k = end + 1
        else:
            raise ValueError("unexpected WSP parameter 0x%02X" % param)
    return media, params


def parse_push(pdu):
    """-> dict: tid, type, media (code or text), content_type (the byte of a
    short well-known code, e.g. 0xB6), sec (name or None), mac, charset, body."""
    tid, pdu_type = pdu[0], pdu[1]
    hdr_len, i = uintvar(pdu, 2)
    headers, body = pdu[i:i + hdr_len], pdu[i + hdr_len:]
    media, params = parse_content_type(headers)
    out = {"tid": tid, "type": pdu_type, "body": body, "headers": headers, "media": media,
           "content_type": media | 0x80 if isinstance(media, int) and media < 0x80 else media}
    out.update(params)
    return out


def wbxml_to_tree(body):
    """Decode WBXML with libwbxml's wbxml2xml; returns an ElementTree root."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.wbxml"), os.path.join(d, "out.xml")
        with open(src, "wb") as f:
            f.write(body)
        subprocess.run(["wbxml2xml", "-o", dst, src], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with open(dst, "rb") as f:
            return ET.fromstring(f.read())


def canonical(root):
    """An element tree as nested tuples: (tag, sorted attributes, children)."""
    return (root.tag, tuple(sorted(root.attrib.items())),
            tuple(canonical(child) for child in root))


def xml_tree(xml_bytes):
    return ET.fromstring(xml_bytes)
