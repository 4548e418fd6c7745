/*
 * vocab.c - the STIX vocabularies and enumerations as constant tables.
 *
 * Values are copied from STIX 2.1 section 10 (OASIS Standard, with the
 * values Errata 01 adds to open vocabularies, which only widen them) and
 * from the STIX 2.0 suggested vocabularies. Order follows the
 * specification. Every array is NULL-terminated; nothing here is mutable.
 */
#include <stddef.h>

#include "vocab.h"

/* 10.1 account-type-ov */
const char *const acc__vocab_account_type[] = {
	"facebook", "ldap", "nis", "openid", "radius", "skype", "tacacs", "twitter", "unix",
	"windows-local", "windows-domain", NULL,
};

/* 10.2 attack-motivation-ov */
const char *const acc__vocab_attack_motivation[] = {
	"accidental", "coercion", "dominance", "ideology", "notoriety", "organizational-gain",
	"personal-gain", "personal-satisfaction", "revenge", "unpredictable", NULL,
};

/* 10.3 attack-resource-level-ov */
const char *const acc__vocab_attack_resource_level[] = {
	"individual", "club", "contest", "team", "organization", "government", NULL,
};

/* 10.4 encryption-algorithm-enum */
const char *const acc__vocab_encryption_algorithm[] = {
	"AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated", NULL,
};

/* 10.5 extension-type-enum */
const char *const acc__vocab_extension_type[] = {
	"new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension",
	NULL,
};

/* 10.6 grouping-context-ov */
const char *const acc__vocab_grouping_context[] = {
	"suspicious-activity", "malware-analysis", "unspecified", NULL,
};

/* 10.7 hash-algorithm-ov */
const char *const acc__vocab_hash_algorithm[] = {
	"MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH", NULL,
};

/* 10.8 identity-class-ov */
const char *const acc__vocab_identity_class[] = {
	"individual", "group", "system", "organization", "class", "unknown", NULL,
};

/* 10.9 implementation-language-ov (rust: errata 01) */
const char *const acc__vocab_implementation_language[] = {
	"applescript", "bash", "c", "c++", "c#", "go", "java", "javascript", "lua",
	"objective-c", "perl", "php", "powershell", "python", "ruby", "rust", "scala", "swift",
	"typescript", "visual-basic", "x86-32", "x86-64", NULL,
};

/* 10.10 indicator-type-ov */
const char *const acc__vocab_indicator_type[] = {
	"anomalous-activity", "anonymization", "benign", "compromised", "malicious-activity",
	"attribution", "unknown", NULL,
};

/* 10.11 industry-sector-ov (legal: errata 01) */
const char *const acc__vocab_industry_sector[] = {
	"agriculture", "aerospace", "automotive", "chemical", "commercial", "communications",
	"construction", "defense", "education", "energy", "entertainment",
	"financial-services", "government", "emergency-services", "government-local",
	"government-national", "government-public-services", "government-regional",
	"healthcare", "hospitality-leisure", "infrastructure", "dams", "nuclear", "water",
	"insurance", "legal", "manufacturing", "mining", "non-profit", "pharmaceuticals",
	"retail", "technology", "telecommunications", "transportation", "utilities", NULL,
};

/* 10.12 infrastructure-type-ov */
const char *const acc__vocab_infrastructure_type[] = {
	"amplification", "anonymization", "botnet", "command-and-control", "control-system",
	"exfiltration", "firewall", "hosting-malware", "hosting-target-lists", "phishing",
	"reconnaissance", "routers-switches", "staging", "workstation", "unknown", NULL,
};

/* 10.13 malware-capabilities-ov */
const char *const acc__vocab_malware_capabilities[] = {
	"accesses-remote-machines", "anti-debugging", "anti-disassembly", "anti-emulation",
	"anti-memory-forensics", "anti-sandbox", "anti-vm", "captures-input-peripherals",
	"captures-output-peripherals", "captures-system-state-data",
	"cleans-traces-of-infection", "commits-fraud", "communicates-with-c2",
	"compromises-data-availability", "compromises-data-integrity",
	"compromises-system-availability", "controls-local-machine",
	"degrades-security-software", "degrades-system-updates", "determines-c2-server",
	"emails-spam", "escalates-privileges", "evades-av", "exfiltrates-data",
	"fingerprints-host", "hides-artifacts", "hides-executing-code", "infects-files",
	"infects-remote-machines", "installs-other-components", "persists-after-system-reboot",
	"prevents-artifact-access", "prevents-artifact-deletion", "probes-network-environment",
	"self-modifies", "steals-authentication-credentials",
	"violates-system-operational-integrity", NULL,
};

/* 10.14 malware-result-ov */
const char *const acc__vocab_malware_result[] = {
	"malicious", "suspicious", "benign", "unknown", NULL,
};

/* 10.15 malware-type-ov */
const char *const acc__vocab_malware_type[] = {
	"adware", "backdoor", "bot", "bootkit", "ddos", "downloader", "dropper", "exploit-kit",
	"keylogger", "ransomware", "remote-access-trojan", "resource-exploitation",
	"rogue-security-software", "rootkit", "screen-capture", "spyware", "trojan", "unknown",
	"virus", "webshell", "wiper", "worm", NULL,
};

/* 10.16 network-socket-address-family-enum */
const char *const acc__vocab_network_socket_address_family[] = {
	"AF_UNSPEC", "AF_INET", "AF_IPX", "AF_APPLETALK", "AF_NETBIOS", "AF_INET6", "AF_IRDA",
	"AF_BTH", NULL,
};

/* 10.17 network-socket-type-enum (the summary's "AF_ISOCK_DGRAMNET" is a typo for SOCK_DGRAM, as the value table shows) */
const char *const acc__vocab_network_socket_type[] = {
	"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET", NULL,
};

/* 10.18 opinion-enum */
const char *const acc__vocab_opinion[] = {
	"strongly-disagree", "disagree", "neutral", "agree", "strongly-agree", NULL,
};

/* 10.19 pattern-type-ov */
const char *const acc__vocab_pattern_type[] = {
	"stix", "pcre", "sigma", "snort", "suricata", "yara", NULL,
};

/* 10.20 processor-architecture-ov */
const char *const acc__vocab_processor_architecture[] = {
	"alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64", NULL,
};

/* 10.21 region-ov */
const char *const acc__vocab_region[] = {
	"africa", "eastern-africa", "middle-africa", "northern-africa", "southern-africa",
	"western-africa", "americas", "caribbean", "central-america",
	"latin-america-caribbean", "northern-america", "south-america", "asia", "central-asia",
	"eastern-asia", "southern-asia", "south-eastern-asia", "western-asia", "europe",
	"eastern-europe", "northern-europe", "southern-europe", "western-europe", "oceania",
	"antarctica", "australia-new-zealand", "melanesia", "micronesia", "polynesia", NULL,
};

/* 10.22 report-type-ov (incident: errata 01) */
const char *const acc__vocab_report_type[] = {
	"attack-pattern", "campaign", "identity", "incident", "indicator", "intrusion-set",
	"malware", "observed-data", "threat-actor", "threat-report", "tool", "vulnerability",
	NULL,
};

/* 10.23 threat-actor-type-ov (private-sector: errata 01) */
const char *const acc__vocab_threat_actor_type[] = {
	"activist", "competitor", "crime-syndicate", "criminal", "hacker",
	"insider-accidental", "insider-disgruntled", "nation-state", "private-sector",
	"sensationalist", "spy", "terrorist", "unknown", NULL,
};

/* 10.24 threat-actor-role-ov */
const char *const acc__vocab_threat_actor_role[] = {
	"agent", "director", "independent", "infrastructure-architect",
	"infrastructure-operator", "malware-author", "sponsor", NULL,
};

/* 10.25 threat-actor-sophistication-ov */
const char *const acc__vocab_threat_actor_sophistication[] = {
	"none", "minimal", "intermediate", "advanced", "expert", "innovator", "strategic", NULL,
};

/* 10.26 tool-type-ov */
const char *const acc__vocab_tool_type[] = {
	"denial-of-service", "exploitation", "information-gathering", "network-capture",
	"credential-exploitation", "remote-access", "vulnerability-scanning", "unknown", NULL,
};

/* 10.27 windows-integrity-level-enum */
const char *const acc__vocab_windows_integrity_level[] = {
	"low", "medium", "high", "system", NULL,
};

/* 10.28 windows-pebinary-type-ov */
const char *const acc__vocab_windows_pebinary_type[] = {
	"dll", "exe", "sys", NULL,
};

/* 10.29 windows-registry-datatype-enum */
const char *const acc__vocab_windows_registry_datatype[] = {
	"REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD",
	"REG_DWORD_BIG_ENDIAN", "REG_DWORD_LITTLE_ENDIAN", "REG_LINK", "REG_MULTI_SZ",
	"REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTION", "REG_RESOURCE_REQUIREMENTS_LIST",
	"REG_QWORD", "REG_INVALID_TYPE", NULL,
};

/* 10.30 windows-service-start-type-enum */
const char *const acc__vocab_windows_service_start_type[] = {
	"SERVICE_AUTO_START", "SERVICE_BOOT_START", "SERVICE_DEMAND_START", "SERVICE_DISABLED",
	"SERVICE_SYSTEM_ALERT", NULL,
};

/* 10.31 windows-service-type-enum */
const char *const acc__vocab_windows_service_type[] = {
	"SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER", "SERVICE_WIN32_OWN_PROCESS",
	"SERVICE_WIN32_SHARE_PROCESS", NULL,
};

/* 10.32 windows-service-status-enum */
const char *const acc__vocab_windows_service_status[] = {
	"SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED",
	"SERVICE_RUNNING", "SERVICE_START_PENDING", "SERVICE_STOP_PENDING", "SERVICE_STOPPED",
	NULL,
};

/* ---- STIX 2.0 --------------------------------------------------------------- */

/* 2.0 Part 4 hash-algorithm-ov */
const char *const acc__vocab_hash_algorithm_20[] = {
	"MD5", "MD6", "RIPEMD-160", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512",
	"SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512", "ssdeep", "WHIRLPOOL", NULL,
};

/* 2.0 identity-class-ov */
const char *const acc__vocab_identity_class_20[] = {
	"individual", "group", "organization", "class", "unknown", NULL,
};

/* 2.0 industry-sector-ov (2.0 spells "defence") */
const char *const acc__vocab_industry_sector_20[] = {
	"agriculture", "aerospace", "automotive", "communications", "construction", "defence",
	"education", "energy", "entertainment", "financial-services", "government-national",
	"government-regional", "government-local", "government-public-services", "healthcare",
	"hospitality-leisure", "infrastructure", "insurance", "manufacturing", "mining",
	"non-profit", "pharmaceuticals", "retail", "technology", "telecommunications",
	"transportation", "utilities", NULL,
};

/* 2.0 indicator-label-ov */
const char *const acc__vocab_indicator_label_20[] = {
	"anomalous-activity", "anonymization", "benign", "compromised", "malicious-activity",
	"attribution", NULL,
};

/* 2.0 malware-label-ov */
const char *const acc__vocab_malware_label_20[] = {
	"adware", "backdoor", "bot", "ddos", "dropper", "exploit-kit", "keylogger",
	"ransomware", "remote-access-trojan", "resource-exploitation",
	"rogue-security-software", "rootkit", "screen-capture", "spyware", "trojan", "virus",
	"worm", NULL,
};

/* 2.0 report-label-ov */
const char *const acc__vocab_report_label_20[] = {
	"threat-report", "attack-pattern", "campaign", "identity", "indicator",
	"intrusion-set", "malware", "observed-data", "threat-actor", "tool", "vulnerability",
	NULL,
};

/* 2.0 threat-actor-label-ov */
const char *const acc__vocab_threat_actor_label_20[] = {
	"activist", "competitor", "crime-syndicate", "criminal", "hacker",
	"insider-accidental", "insider-disgruntled", "nation-state", "sensationalist", "spy",
	"terrorist", NULL,
};

/* 2.0 tool-label-ov */
const char *const acc__vocab_tool_label_20[] = {
	"denial-of-service", "exploitation", "information-gathering", "network-capture",
	"credential-exploitation", "remote-access", "vulnerability-scanning", NULL,
};

/* ISO 3166-1 alpha-2 (from the ISO 3166-1 list of the Debian iso-codes package). */
const char *const acc__iso3166_1_alpha2[] = {
	"AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW",
	"AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN",
	"BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG",
	"CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
	"DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI",
	"FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
	"GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR",
	"HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
	"JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA",
	"LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME",
	"MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU",
	"MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
	"NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR",
	"PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD",
	"SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
	"SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
	"TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
	"VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW", NULL,
};
