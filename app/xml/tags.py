"""Clark-notation tags of the CITESEPermit elements the writer emits (root and its children in
the CITES namespace, everything below in the RAM namespace), computed once."""

from __future__ import annotations

from app.xml.namespaces import CITES, RAM


def cites(local: str) -> str:
    return f"{{{CITES}}}{local}"


def ram(local: str) -> str:
    return f"{{{RAM}}}{local}"


ROOT = cites("CITESEPermit")
CONTEXT = cites("SpecifiedExchangedDocumentContext")
HEADER = cites("HeaderExchangedDocument")
CONSIGNMENT = cites("SpecifiedSupplyChainConsignment")

BUSINESS_PARAMETER = ram("BusinessProcessSpecifiedDocumentContextParameter")
VALUE = ram("Value")
DOCUMENT_VERSION = ram("SpecifiedDocumentVersion")
ID = ram("ID")
NAME = ram("Name")
TYPE_CODE = ram("TypeCode")
ISSUE_DATE_TIME = ram("IssueDateTime")
COPY_INDICATOR = ram("CopyIndicator")
PURPOSE_CODE = ram("PurposeCode")
INFORMATION = ram("Information")
REFERENCE_DOCUMENT = ram("ReferenceReferencedDocument")
EFFECTIVE_PERIOD = ram("EffectiveSpecifiedPeriod")
START_DATE_TIME = ram("StartDateTime")
END_DATE_TIME = ram("EndDateTime")
ISSUE_LOCATION = ram("IssueLogisticsLocation")
FIRST_SIGNATORY = ram("FirstSignatoryDocumentAuthentication")
THIRD_SIGNATORY = ram("ThirdSignatoryDocumentAuthentication")
PROVIDER_PARTY = ram("ProviderTradeParty")
POSTAL_ADDRESS = ram("PostalTradeAddress")
STREET_NAME = ram("StreetName")
COUNTRY_ID = ram("CountryID")
SIGNATORY_PERSON = ram("SpecifiedAuthoritativeSignatoryPerson")
CONSIGNOR = ram("ConsignorTradeParty")
CONSIGNEE = ram("ConsigneeTradeParty")
ITEM = ram("IncludedSupplyChainConsignmentItem")
SHIPPING_MARKS = ram("PhysicalLogisticsShippingMarks")
MARKING = ram("Marking")
ORIGIN_COUNTRY = ram("OriginTradeCountry")
EXPORT_COUNTRY = ram("ExportTradeCountry")
ASSOCIATED_DOCUMENT = ram("AssociatedReferencedDocument")
PACKAGE = ram("TransportLogisticsPackage")
ITEM_QUANTITY = ram("ItemQuantity")
TRADE_LINE_ITEM = ram("IncludedSupplyChainTradeLineItem")
TYPE_EXTENSION_CODE = ram("TypeExtensionCode")
PRODUCT = ram("SpecifiedTradeProduct")
DESCRIPTION = ram("Description")
COMMON_NAME = ram("CommonName")
SCIENTIFIC_NAME = ram("ScientificName")
