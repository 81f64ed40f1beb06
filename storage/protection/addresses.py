"""Client addresses: the trusted-proxy setting, the address a request comes from, the local machine, and the
groups that limits count by (an IPv6 /64 is one subscriber, who can use billions of its addresses)."""
from __future__ import annotations

import ipaddress
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MIN_PREFIX = {4: 8, 6: 32}  # a trusted-proxy network wider than this would let most of the Internet forge addresses
MAX_ADDRESS_TEXT = 64


def parse_address(text: str) -> IPAddress | None:
    """The IP address in text ('203.0.113.5', '2001:db8::1', '[2001:db8::1]:443', '203.0.113.5:8080'), else None.

    An IPv4-mapped IPv6 address is its IPv4 address."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def normalized(text: str) -> str:
    """The canonical text of an address; text that is no address is kept, cut short and printable (a key, a log)."""
    address = parse_address(text)
    if address is not None:
        return str(address)
    return "".join(c for c in (text or "").strip() if c.isprintable())[:MAX_ADDRESS_TEXT]


def clean_trusted_proxies(entries) -> tuple[list[str], list[str]]:
    """(the proxies as canonical addresses or networks, French errors) from a list or comma-separated text."""
    if isinstance(entries, str):
        entries = [entries]
    items = [item.strip() for entry in entries or [] for item in str(entry).split(",") if item.strip()]
    proxies, errors = [], []
    for item in items:
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            errors.append(f"« {item[:60]} » n'est ni une adresse IP ni un réseau (ex. 127.0.0.1, 10.0.0.0/24, ::1).")
            continue
        if network.prefixlen < MIN_PREFIX[network.version]:
            errors.append(f"Le réseau « {item[:60]} » est trop large pour être un proxy de confiance "
                          f"(/{MIN_PREFIX[network.version]} au plus large).")
            continue
        text = str(network.network_address) if network.num_addresses == 1 else str(network)
        if text not in proxies:
            proxies.append(text)
    return proxies, errors


@lru_cache(maxsize=16)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of the trusted-proxy setting (already cleaned; anything else is ignored)."""
    networks = (_network(proxy) for proxy in proxies)
    return tuple(network for network in networks if network is not None)


def _network(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def is_trusted(text: str, networks: tuple[Network, ...]) -> bool:
    address = parse_address(text)
    return address is not None and any(address.version == n.version and address in n for n in networks)


def forwarded_client(remote: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The browser's address: remote (the TCP peer), unless remote is a trusted proxy; then the right-most
    X-Forwarded-For hop that is not a trusted proxy (hops further left are whatever the client chose to send)."""
    if not is_trusted(remote, networks):
        return normalized(remote)
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, networks):
            return normalized(hop)
    return normalized(hops[0]) if hops else normalized(remote)


def is_loopback(text: str) -> bool:
    address = parse_address(text)
    return address is not None and address.is_loopback


def address_group(text: str) -> str:
    """The key that limits count by: the address itself, or the /64 network of an IPv6 address."""
    address = parse_address(text)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return normalized(text)
