"""Namespaces of the CITES ePermit (toolkit v2) and of its predecessor (toolkit v1)."""

from __future__ import annotations

CITES = "urn:un:unece:uncefact:data:standard:CITESEPermit:2"
RAM = "urn:un:unece:uncefact:data:draft:ReusableAggregateBusinessInformationEntity:1"
CBF_V1 = "urn:un:unece:uncefact:data:draft:CBFShip:1"  # toolkit v1 root CBFShip
XSD_DIR_NAME = "schemas"
ROOT = "CITESEPermit"
NSMAP = {"cites": CITES, "ram": RAM}
