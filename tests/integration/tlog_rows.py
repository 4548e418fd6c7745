# tlog_rows.py - edit a node's transparency log rows behind its back, for
# the integration tests that play the intruder (test_log_monitor.sh). It
# speaks the SQLite store's layout (schema 3, docs/internals/tlog.md section
# 6): bundle rows of compact entry records, tile rows of subtree hashes.
#
#   python3 tlog_rows.py DB edit INDEX FIELD=VALUE   rewrite one entry's field
#       (action, collection, member, date_added, object_sha256): its bundle is
#       re-encoded, the other records unchanged
#   python3 tlog_rows.py DB delete INDEX      drop one entry's record (the
#       leaves after it move down by one)
#   python3 tlog_rows.py DB find ACTION       the first leaf with that action
#   python3 tlog_rows.py DB entry INDEX       print the entry's fields as JSON
#   python3 tlog_rows.py DB save FILE         save every bundle and tile row
#   python3 tlog_rows.py DB restore FILE      put them back as saved
#   python3 tlog_rows.py DB scramble-tiles    overwrite every stored subtree hash
import json, os, sqlite3, sys

ACTIONS = ["add", "delete", "member-add", "member-remove", "key-add", "key-revoke", "artifact"]
BUNDLE_W = 32
SAME_COLL, SAME_MEMBER, DATE_US = 0x08, 0x10, 0x20


def varint(b, i):
    x, shift = 0, 0
    while True:
        c = b[i]
        i += 1
        x |= (c & 0x7F) << shift
        if not c & 0x80:
            return x, i
        shift += 7


def put_varint(v):
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def decode(b):
    recs, i, prev = [], 0, None
    while i < len(b):
        h = b[i]
        i += 1
        r = {"action": ACTIONS[h & 7]}
        if h & SAME_COLL:
            r["collection"] = prev["collection"]
        else:
            n, i = varint(b, i)
            r["collection"] = b[i:i + n].decode()
            i += n
        if h & DATE_US:
            z, i = varint(b, i)
            d = (z >> 1) ^ -(z & 1)
            r["us"] = d + (prev["us"] if prev and "us" in prev else 0)
        else:
            n, i = varint(b, i)
            r["date_added"] = b[i:i + n].decode()
            i += n
        if h & SAME_MEMBER:
            r["member"] = prev["member"]
        else:
            n, i = varint(b, i)
            r["member"] = b[i:i + n].decode()
            i += n
        r["object_sha256"] = b[i:i + 32].hex()
        i += 32
        recs.append(r)
        prev = r
    return recs


def encode(recs):
    out, prev = bytearray(), None
    for r in recs:
        h = ACTIONS.index(r["action"])
        same_c = prev is not None and prev["collection"] == r["collection"]
        same_m = prev is not None and prev["member"] == r["member"]
        h |= (SAME_COLL if same_c else 0) | (SAME_MEMBER if same_m else 0)
        h |= DATE_US if "us" in r else 0
        out.append(h)
        if not same_c:
            c = r["collection"].encode()
            out += put_varint(len(c)) + c
        if "us" in r:
            d = r["us"] - (prev["us"] if prev and "us" in prev else 0)
            out += put_varint((d << 1) ^ (d >> 63) if d < 0 else d << 1)
        else:
            t = r["date_added"].encode()
            out += put_varint(len(t)) + t
        if not same_m:
            m = r["member"].encode()
            out += put_varint(len(m)) + m
        out += bytes.fromhex(r["object_sha256"])
        prev = r
    return bytes(out)


def edge_read(con):
    size, blob = con.execute("SELECT size, edge FROM tlog_state").fetchone()
    blob = bytes(blob or b"")
    if not blob:
        return size, b"", []
    nb, i = varint(blob, 0)
    bl, i = varint(blob, i)
    bundle = blob[i:i + bl]
    i += bl
    tiles = []
    while i < len(blob):
        lv, n = blob[i], blob[i + 1]
        tiles.append([lv, n, bytearray(blob[i + 2:i + 2 + 32 * n])])
        i += 2 + 32 * n
    return size, bundle, tiles


def edge_write(con, bundle, nb, tiles):
    out = bytearray(put_varint(nb) + put_varint(len(bundle)) + bundle)
    for lv, n, h in tiles:
        out += bytes([lv, n]) + bytes(h)
    con.execute("UPDATE tlog_state SET edge = ?", (bytes(out),))


def main():
    db, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    con = sqlite3.connect(db, timeout=10, isolation_level=None)
    rows = {b: bytes(d) for b, d in con.execute("SELECT b, data FROM tlog_bundles")}
    size, ebundle, etiles = edge_read(con)
    if size % BUNDLE_W:
        rows[size // BUNDLE_W] = ebundle  # the edge's records, as a row of their own
    if cmd in ("edit", "entry", "delete"):
        idx = int(args[0])
        b, k = divmod(idx, BUNDLE_W)
        recs = decode(rows[b])
        if cmd == "entry":
            print(json.dumps(recs[k], sort_keys=True))
            return
        if cmd == "edit":
            field, value = args[1].split("=", 1)
            if field == "date_added":
                recs[k].pop("us", None)
            recs[k][field] = value
            if size % BUNDLE_W and b == size // BUNDLE_W:
                edge_write(con, encode(recs), len(recs), etiles)
            else:
                con.execute("UPDATE tlog_bundles SET data = ? WHERE b = ?", (encode(recs), b))
            return
        # delete: this record goes; every later record moves down by one
        flat = [r for bb in sorted(rows) for r in decode(rows[bb])]
        del flat[idx]
        con.execute("BEGIN IMMEDIATE")
        con.execute("DELETE FROM tlog_bundles")
        whole = len(flat) // BUNDLE_W * BUNDLE_W
        for i in range(0, whole, BUNDLE_W):
            con.execute("INSERT INTO tlog_bundles(b, data) VALUES (?, ?)",
                        (i // BUNDLE_W, encode(flat[i:i + BUNDLE_W])))
        edge_write(con, encode(flat[whole:]), len(flat) - whole, etiles)
        con.execute("COMMIT")
    elif cmd == "find":
        for b in sorted(rows):
            for k, r in enumerate(decode(rows[b])):
                if r["action"] == args[0]:
                    print(b * BUNDLE_W + k)
                    return
        sys.exit(1)
    elif cmd == "save":
        tiles = [(i, bytes(d).hex()) for i, d in con.execute("SELECT id, data FROM tlog_tiles")]
        bundles = [(b, bytes(d).hex()) for b, d in con.execute("SELECT b, data FROM tlog_bundles")]
        edge = bytes(con.execute("SELECT edge FROM tlog_state").fetchone()[0] or b"").hex()
        json.dump({"bundles": bundles, "tiles": tiles, "edge": edge}, open(args[0], "w"))
    elif cmd == "restore":
        saved = json.load(open(args[0]))
        con.execute("BEGIN IMMEDIATE")
        con.execute("DELETE FROM tlog_bundles")
        con.execute("DELETE FROM tlog_tiles")
        for b, d in saved["bundles"]:
            con.execute("INSERT INTO tlog_bundles(b, data) VALUES (?, ?)", (b, bytes.fromhex(d)))
        for i, d in saved["tiles"]:
            con.execute("INSERT INTO tlog_tiles(id, data) VALUES (?, ?)", (i, bytes.fromhex(d)))
        con.execute("UPDATE tlog_state SET edge = ?", (bytes.fromhex(saved["edge"]),))
        con.execute("COMMIT")
    elif cmd == "scramble-tiles":
        for i, d in list(con.execute("SELECT id, data FROM tlog_tiles")):
            con.execute("UPDATE tlog_tiles SET data = ? WHERE id = ?", (os.urandom(len(d)), i))
        for t in etiles:
            t[2] = bytearray(os.urandom(len(t[2])))
        edge_write(con, ebundle, size % BUNDLE_W, etiles)
    else:
        sys.exit("unknown command " + cmd)


main()
