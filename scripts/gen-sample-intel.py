#!/usr/bin/env python3
"""Write examples/sample-intel.json and examples/push-example.json.

The sample intelligence `make run` loads: a fictional but realistic picture
of what three member companies of an Accord node share about four threat
groups - indicators (IPs, domains, URLs, file hashes, e-mail) with STIX
patterns, malware, campaigns, intrusion sets, threat actors, ATT&CK attack
patterns, relationships and sightings - under mixed TLP 2.0 markings, with
the five TLP 2.0 marking-definition objects (taken from
tests/data/stix/tlp_markings.json, the OASIS originals).

Everything is deterministic (a seeded generator), so running this again
gives the same files; the output is committed and the node never needs the
script. Addresses, domains and URLs are documentation values only
(RFC 5737, RFC 3849, example.com/.net/.org, RFC 2606), so nothing here
points at a real host. Hashes are random.

    python3 scripts/gen-sample-intel.py     # from the repository root
"""
import json
import random
import uuid

rng = random.Random(20261129)

TLP = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
RECIPIENTS_EXT = "extension-definition--1455b14b-c811-4c23-b770-ccc1788cb7ee"


def new_id(kind):
    return "%s--%s" % (kind, uuid.UUID(int=rng.getrandbits(128), version=4))


def ts(day, hour=0, minute=0, sec=0, ms=0):
    """A 2026 timestamp: day counts from 2026-09-01."""
    import datetime
    t = datetime.datetime(2026, 9, 1) + datetime.timedelta(
        days=day, hours=hour, minutes=minute, seconds=sec, milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


objects = []


def add(o):
    objects.append(o)
    return o


def sdo(kind, creator, day, tlp, **props):
    o = {"type": kind, "spec_version": "2.1", "id": new_id(kind)}
    t = ts(day, rng.randrange(7, 19), rng.randrange(60), rng.randrange(60), rng.randrange(1000))
    o["created"] = t
    o["modified"] = t
    o["created_by_ref"] = creator["id"]
    o.update(props)
    if tlp:
        o["object_marking_refs"] = [TLP[tlp]]
    return add(o)


# ---- the marking definitions (OASIS originals) ----------------------------------
with open("tests/data/stix/tlp_markings.json") as f:
    for md in json.load(f)["tlp_2_0"]["marking_definitions"]:
        add(md["object"])

# ---- the three member companies ------------------------------------------------------
members = []
for name, desc, sectors, contact in [
    ("Kestrel Security Labs",
     "Threat research and managed detection for mid-size enterprises in Europe and North America.",
     ["technology"], "intel@kestrel.example.com"),
    ("Meridian Cloud Services",
     "Public cloud and hosting provider; its abuse desk shares what it sees on customer workloads.",
     ["technology", "infrastructure"], "abuse-intel@meridian.example.net"),
    ("Tidewater Telecom",
     "Regional broadband and mobile operator; its SOC shares network-level detections.",
     ["telecommunications"], "soc@tidewater.example.org"),
]:
    i = {"type": "identity", "spec_version": "2.1", "id": new_id("identity")}
    t = ts(0, 9)
    i.update({"created": t, "modified": t, "created_by_ref": i["id"], "name": name,
              "description": desc, "identity_class": "organization", "sectors": sectors,
              "contact_information": contact, "object_marking_refs": [TLP["clear"]]})
    members.append(add(i))
kestrel, meridian, tidewater = members

# Sectors that campaigns target (published by Kestrel).
sector_ids = {}
for name, sector in [("Financial services sector", "financial-services"),
                     ("Telecommunications sector", "telecommunications"),
                     ("Healthcare sector", "healthcare"),
                     ("Retail sector", "retail")]:
    sector_ids[sector] = sdo("identity", kestrel, 1, "clear", name=name, identity_class="class",
                             sectors=[sector])

# ---- ATT&CK attack patterns ------------------------------------------------------------
attack = {}
for tid, name, phase in [
    ("T1566.001", "Phishing: Spearphishing Attachment", "initial-access"),
    ("T1566.002", "Phishing: Spearphishing Link", "initial-access"),
    ("T1190", "Exploit Public-Facing Application", "initial-access"),
    ("T1078", "Valid Accounts", "defense-evasion"),
    ("T1110.004", "Brute Force: Credential Stuffing", "credential-access"),
    ("T1204.002", "User Execution: Malicious File", "execution"),
    ("T1059.001", "Command and Scripting Interpreter: PowerShell", "execution"),
    ("T1505.003", "Server Software Component: Web Shell", "persistence"),
    ("T1555", "Credentials from Password Stores", "credential-access"),
    ("T1021.001", "Remote Services: Remote Desktop Protocol", "lateral-movement"),
    ("T1071.001", "Application Layer Protocol: Web Protocols", "command-and-control"),
    ("T1041", "Exfiltration Over C2 Channel", "exfiltration"),
    ("T1486", "Data Encrypted for Impact", "impact"),
    ("T1498", "Network Denial of Service", "impact"),
]:
    attack[tid] = sdo("attack-pattern", kestrel, 2, "clear", name=name,
                      kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": phase}],
                      external_references=[{"source_name": "mitre-attack", "external_id": tid}])

# ---- threat actors, intrusion sets, campaigns, malware --------------------------------------
actors = {}
for key, creator, tlp, props in [
    ("lynx", kestrel, "green", dict(
        name="Copper Lynx", threat_actor_types=["crime-syndicate"],
        description="Financially motivated group running invoice-themed phishing that delivers "
                    "loaders, then ransomware; also runs business e-mail compromise.",
        aliases=["TA-CL1"], sophistication="expert", resource_level="organization",
        primary_motivation="personal-gain", first_seen=ts(-200))),
    ("heron", tidewater, "amber", dict(
        name="Granite Heron", threat_actor_types=["nation-state"],
        description="Espionage actor exploiting VPN and edge appliances of telecom operators to "
                    "reach subscriber data and lawful-interception systems.",
        sophistication="advanced", resource_level="government",
        primary_motivation="organizational-gain", first_seen=ts(-400))),
    ("mantis", meridian, "clear", dict(
        name="Velvet Mantis", threat_actor_types=["activist"],
        description="Hacktivist collective renting DDoS capacity against retailers and payment "
                    "providers during announced protest weeks.",
        sophistication="intermediate", resource_level="club", primary_motivation="ideology")),
    ("owl", meridian, "green", dict(
        name="Static Owl", threat_actor_types=["criminal"],
        description="Initial access broker: credential stuffing against cloud consoles and VPNs, "
                    "then selling working accounts.",
        sophistication="intermediate", resource_level="individual",
        primary_motivation="personal-gain")),
]:
    actors[key] = sdo("threat-actor", creator, 3, tlp, **props)

sets = {}
for key, name, creator, tlp, goals in [
    ("lynx", "LYNXCOIL", kestrel, "green", ["Monetise access to finance departments"]),
    ("heron", "HERONFALL", tidewater, "amber", ["Long-term access to telecom core networks"]),
    ("mantis", "MANTISVEIL", meridian, "clear", ["Disrupt online retail during protest weeks"]),
    ("owl", "OWLGATE", meridian, "green", ["Resell valid cloud and VPN accounts"]),
]:
    sets[key] = sdo("intrusion-set", creator, 4, tlp, name=name, goals=goals,
                    description="Activity cluster tracked by %s." % creator["name"],
                    first_seen=ts(-120))

campaigns = {}
for key, name, owner, creator, tlp, day, desc in [
    ("invoice", "Invoice Storm 2026", "lynx", kestrel, "green", 10,
     "Waves of e-mails with fake overdue invoices (ISO and OneNote attachments) dropping "
     "InkLoader, which fetches PaperTiger RAT and, days later, Lockfern ransomware."),
    ("payroll", "Payroll Diversion", "lynx", kestrel, "amber", 25,
     "Business e-mail compromise asking HR to change employees' salary accounts."),
    ("harbor", "Quiet Harbor", "heron", tidewater, "amber+strict", 15,
     "Exploitation of unpatched SSL-VPN appliances at operators, then TunnelMole implants."),
    ("blackout", "Blackout Week", "mantis", meridian, "clear", 40,
     "Announced week of DDoS against online shops, driven by the MantisFlood botnet."),
    ("dozen", "Broker's Dozen", "owl", meridian, "green", 30,
     "Credential stuffing against cloud consoles; working accounts offered for sale."),
]:
    campaigns[key] = (sdo("campaign", creator, day, tlp, name=name, description=desc,
                          first_seen=ts(day - 5)), owner)

malware = {}
for key, name, types, creator, tlp, desc, caps in [
    ("ink", "InkLoader", ["downloader", "dropper"], kestrel, "green",
     "Small loader delivered in ISO and OneNote attachments; downloads the next stage over HTTPS.",
     ["communicates-with-c2", "evades-av"]),
    ("tiger", "PaperTiger RAT", ["remote-access-trojan"], kestrel, "green",
     "Remote access trojan with keylogging and file transfer; C2 over HTTPS with a fixed "
     "user agent.", ["communicates-with-c2", "captures-input-peripherals", "exfiltrates-data"]),
    ("fern", "Lockfern", ["ransomware"], kestrel, "clear",
     "Ransomware encrypting network shares; ransom notes named RESTORE-FILES.txt.",
     ["compromises-data-availability"]),
    ("snoop", "HarborSnoop", ["backdoor", "spyware"], tidewater, "amber",
     "Backdoor for Linux-based network appliances, hides in a modified system library.",
     ["persists-after-system-reboot", "communicates-with-c2"]),
    ("mole", "TunnelMole", ["backdoor"], tidewater, "amber+strict",
     "Tunnelling implant relaying traffic from compromised VPN appliances.",
     ["communicates-with-c2", "evades-av"]),
    ("flood", "MantisFlood", ["bot", "ddos"], meridian, "clear",
     "DDoS bot on rented virtual machines; floods HTTPS with randomised paths.",
     ["communicates-with-c2"]),
    ("owlkey", "OwlKey", ["spyware", "keylogger"], meridian, "green",
     "Information stealer collecting browser passwords and session cookies.",
     ["steals-authentication-credentials", "exfiltrates-data"]),
    ("jack", "ShiftJack", ["webshell"], tidewater, "amber",
     "PHP web shell dropped on exploited appliances' management interfaces.",
     ["persists-after-system-reboot"]),
]:
    malware[key] = sdo("malware", creator, 6, tlp, name=name, malware_types=types,
                       is_family=True, description=desc, capabilities=caps)

# ---- indicators ---------------------------------------------------------------------------


def hexs(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


ips = ["192.0.2.%d" % i for i in rng.sample(range(2, 254), 20)] + \
      ["198.51.100.%d" % i for i in rng.sample(range(2, 254), 20)] + \
      ["203.0.113.%d" % i for i in rng.sample(range(2, 254), 14)]
words = ["invoice", "billing", "payroll", "secure", "login", "portal", "cdn", "update", "docs",
         "share", "account", "verify", "files", "sync", "mail", "vpn", "status", "support"]
bases = ["example.com", "example.net", "example.org"]
domains = sorted({"%s-%s.%s" % (rng.choice(words), rng.choice(words), rng.choice(bases))
                  for _ in range(60)})[:36]

# Which malware/campaign an indicator points at, who shares it, and its TLP.
profiles = [
    ("ink", "invoice", kestrel, ["green", "green", "amber", "clear"]),
    ("tiger", "invoice", kestrel, ["green", "amber"]),
    ("fern", "invoice", kestrel, ["clear", "green"]),
    ("owlkey", "dozen", meridian, ["green", "amber"]),
    ("flood", "blackout", meridian, ["clear", "green"]),
    ("snoop", "harbor", tidewater, ["amber", "amber+strict"]),
    ("mole", "harbor", tidewater, ["amber+strict", "amber"]),
    ("jack", "harbor", tidewater, ["amber", "green"]),
]
indicators = []  # (indicator, malware key, campaign key)


def indicator(kind, value, prof, day, **extra):
    mkey, ckey, creator, tlps = prof
    tlp = rng.choice(tlps)
    name = {"ipv4": "C2 server of %s" % malware[mkey]["name"],
            "ipv6": "C2 server of %s (IPv6)" % malware[mkey]["name"],
            "domain": "Domain used by %s" % malware[mkey]["name"],
            "url": "Payload URL of %s" % malware[mkey]["name"],
            "sha256": "%s sample" % malware[mkey]["name"],
            "md5": "%s sample (MD5)" % malware[mkey]["name"],
            "email": "Sender address of %s" % campaigns[ckey][0]["name"]}[kind]
    pattern = {
        "ipv4": "[ipv4-addr:value = '%s']",
        "ipv6": "[ipv6-addr:value = '%s']",
        "domain": "[domain-name:value = '%s']",
        "url": "[url:value = '%s']",
        "sha256": "[file:hashes.'SHA-256' = '%s']",
        "md5": "[file:hashes.MD5 = '%s']",
        "email": "[email-message:from_ref.value = '%s']",
    }[kind] % value
    what = {"ipv4": "this address answering as command and control",
            "ipv6": "this address answering as command and control",
            "domain": "this domain resolving to infrastructure",
            "url": "this URL serving payloads",
            "sha256": "this file", "md5": "this file",
            "email": "this sender address in phishing"}[kind]
    extra.setdefault("description", "%s saw %s of %s during %s." % (
        creator["name"], what, malware[mkey]["name"], campaigns[ckey][0]["name"]))
    itypes = ["malicious-activity"] if kind not in ("ipv4", "ipv6") else \
        rng.choice([["malicious-activity"], ["malicious-activity", "attribution"]])
    o = sdo("indicator", creator, day, tlp, name=name, indicator_types=itypes,
            pattern=pattern, pattern_type="stix", pattern_version="2.1",
            confidence=rng.choice([60, 70, 80, 85, 90, 95]), **extra)
    o["valid_from"] = o["created"]
    indicators.append((o, mkey, ckey))
    return o


day = 8
for n, ip in enumerate(ips):
    indicator("ipv4", ip, profiles[n % len(profiles)], day + n % 50)
for n in range(6):
    indicator("ipv6", "2001:db8:%x::%x" % (rng.randrange(1, 0xffff), rng.randrange(1, 0xffff)),
              profiles[(n * 3) % len(profiles)], day + 3 * n)
for n, d in enumerate(domains):
    indicator("domain", d, profiles[(n + 1) % len(profiles)], day + (n * 2) % 55)
paths = ["/invoice/view.php", "/dl/update.bin", "/files/INV-%d.iso", "/wp-content/a.js",
         "/api/v2/beacon", "/s/%d/document.one", "/portal/login.aspx", "/gate.php"]
for n in range(24):
    d = domains[(n * 5) % len(domains)]
    p = rng.choice(paths)
    if "%d" in p:
        p = p % rng.randrange(1000, 99999)
    indicator("url", "https://%s%s" % (d, p), profiles[n % len(profiles)], day + n * 2)
for n in range(30):
    indicator("sha256", hexs(64), profiles[(n + 2) % len(profiles)], day + n % 45)
for n in range(10):
    indicator("md5", hexs(32), profiles[(n + 5) % len(profiles)], day + n * 4)
for n, who in enumerate(["accounts", "billing", "no-reply", "finance", "hr-payroll", "ap"]):
    indicator("email", "%s@%s" % (who, rng.choice(domains)), profiles[n % 3], day + 2 + n * 6)

# Two indicators of Meridian's marked TLP:RED for Kestrel only (Accord's
# recipients extension), and an AMBER one Tidewater later revokes.
for n in range(2):
    o = indicator("ipv4", "198.51.100.%d" % (250 + n), profiles[3], 60 + n)
    o["object_marking_refs"] = [TLP["red"]]
    o["description"] = ("Console login source seen in an active incident at a shared customer; "
                        "for Kestrel's responders only.")
    o["extensions"] = {RECIPIENTS_EXT: {"extension_type": "property-extension",
                                        "recipients": [kestrel["id"]]}}

# ---- relationships ---------------------------------------------------------------------------


def rel(creator, src, kind, dst, tlp, day):
    return sdo("relationship", creator, day, tlp, relationship_type=kind,
               source_ref=src["id"], target_ref=dst["id"])


for o, mkey, ckey in indicators:
    creator = next(m for m in members if m["id"] == o["created_by_ref"])
    tlp = next(k for k, v in TLP.items() if v == o["object_marking_refs"][0])
    target = malware[mkey] if rng.random() < 0.8 else campaigns[ckey][0]
    rel(creator, o, "indicates", target, tlp, 70)
for mkey, tids in [("ink", ["T1566.001", "T1204.002", "T1071.001"]),
                   ("tiger", ["T1071.001", "T1041", "T1059.001"]),
                   ("fern", ["T1486", "T1021.001"]),
                   ("snoop", ["T1190", "T1071.001"]),
                   ("mole", ["T1190", "T1078"]),
                   ("flood", ["T1498"]),
                   ("owlkey", ["T1555", "T1041"]),
                   ("jack", ["T1505.003"])]:
    m = malware[mkey]
    creator = next(x for x in members if x["id"] == m["created_by_ref"])
    for tid in tids:
        rel(creator, m, "uses", attack[tid], "clear", 71)
for key, (c, owner) in campaigns.items():
    creator = next(x for x in members if x["id"] == c["created_by_ref"])
    tlp = next(k for k, v in TLP.items() if v == c["object_marking_refs"][0])
    rel(creator, c, "attributed-to", sets[owner], tlp, 72)
    for mkey in {"invoice": ["ink", "tiger", "fern"], "payroll": [], "harbor": ["snoop", "mole",
                 "jack"], "blackout": ["flood"], "dozen": ["owlkey"]}[key]:
        rel(creator, c, "uses", malware[mkey], tlp, 72)
    sector = {"invoice": "financial-services", "payroll": "financial-services",
              "harbor": "telecommunications", "blackout": "retail", "dozen": "healthcare"}[key]
    rel(creator, c, "targets", sector_ids[sector], tlp, 72)
for t in {"payroll": ["T1566.002", "T1078"], "dozen": ["T1110.004", "T1078"],
          "harbor": ["T1190"]}.items():
    c = campaigns[t[0]][0]
    creator = next(x for x in members if x["id"] == c["created_by_ref"])
    for tid in t[1]:
        rel(creator, c, "uses", attack[tid], "green", 73)
for key in sets:
    s = sets[key]
    creator = next(x for x in members if x["id"] == s["created_by_ref"])
    tlp = next(k for k, v in TLP.items() if v == s["object_marking_refs"][0])
    rel(creator, s, "attributed-to", actors[key], tlp, 73)

# ---- sightings: members reporting what hit their networks -------------------------------------
for n in range(24):
    o, mkey, ckey = indicators[(n * 7) % len(indicators)]
    if o["object_marking_refs"][0] == TLP["red"]:
        continue
    seer = members[(n + 1) % 3]
    first = 50 + n
    sdo("sighting", seer, first + 2, rng.choice(["green", "amber", "amber"]),
            sighting_of_ref=o["id"], where_sighted_refs=[seer["id"]],
            count=rng.randrange(1, 400), first_seen=ts(first, 3), last_seen=ts(first + 2, 17),
            description="Seen by %s's sensors." % seer["name"])

# ---- new versions: Tidewater revokes one indicator, Kestrel raises another's confidence --------
for o, creator, change in [(indicators[5][0], tidewater, {"revoked": True}),
                           (indicators[8][0], kestrel, {"confidence": 100})]:
    if o["created_by_ref"] != creator["id"]:
        creator = next(x for x in members if x["id"] == o["created_by_ref"])
    v2 = dict(o)
    v2["modified"] = ts(80, 12)
    v2.update(change)
    add(v2)

bundle = {"type": "bundle", "id": new_id("bundle"), "objects": objects}
with open("examples/sample-intel.json", "w") as f:
    json.dump(bundle, f, indent=1)
    f.write("\n")

# A few new indicators from Kestrel for `accord push` to try.
objects = []
push = [indicator("domain", "invoice-secure-%d.example.com" % n, profiles[0], 85) for n in range(3)]
push.append(indicator("sha256", hexs(64), profiles[1], 85))
for n, o in enumerate(push):
    o["object_marking_refs"] = [TLP["green"]]
    o["created"] = o["modified"] = o["valid_from"] = ts(88, 10, n)
with open("examples/push-example.json", "w") as f:
    json.dump({"type": "bundle", "id": new_id("bundle"), "objects": objects}, f, indent=1)
    f.write("\n")
print("sample-intel.json: %d objects; push-example.json: %d objects" %
      (len(bundle["objects"]), len(objects)))
