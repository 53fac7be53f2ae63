"""What the pages call the service's codes, in English, marked for translation (N_): states,
document types, error codes and check results. A code with no entry here is shown as the code
itself. The names of the species lines' codes (terms, units, purposes, sources) are in
app.i18n.code_names (re-exported here)."""

from __future__ import annotations

from app.i18n.code_names import PURPOSES as PURPOSES
from app.i18n.code_names import SOURCES as SOURCES
from app.i18n.code_names import TERMS as TERMS
from app.i18n.code_names import UNITS as UNITS
from app.web.i18n import N_

APPLICATION_STATES = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "returned": N_("Returned for changes"),
    "approved": N_("Approved"),
    "refused": N_("Refused"),
    "withdrawn": N_("Withdrawn"),
    "issued": N_("Issued"),
}
PERMIT_STATES = {
    "valid": N_("Valid"),
    "cancelled": N_("Cancelled"),
    "replaced": N_("Replaced"),
    "expired": N_("Expired"),
    "exported": N_("Exported"),
    "used": N_("Used"),
}
DOCUMENT_TYPES = {
    "E": N_("Export permit"),
    "R": N_("Re-export certificate"),
    "I": N_("Import permit"),
    "O": N_("Other certificate"),
}
OTHER_SUBTYPES = {
    "origin": N_("Certificate of origin"),
    "pre_convention": N_("Pre-Convention certificate"),
    "captive_breeding": N_("Captive-breeding certificate"),
    "artificial_propagation": N_("Artificial-propagation certificate"),
    "introduction_from_sea": N_("Certificate of introduction from the sea"),
    "travelling_exhibition": N_("Travelling-exhibition certificate"),
    "personal_ownership": N_("Personal-ownership certificate"),
    "musical_instrument": N_("Musical-instrument certificate"),
    "scientific_exchange": N_("Scientific-exchange label"),
}
APPENDICES = {"I": N_("Appendix I"), "II": N_("Appendix II"), "III": N_("Appendix III")}
CHECK_SEVERITIES = {"block": N_("Blocks issuance"), "warn": N_("Warning")}
CHECK_STAGES = {"submission": N_("At submission"), "approval": N_("At approval")}
# What each check means, for the trader and the officer (the service's own message, with its
# figures, is shown under it).
CHECKS = {
    "appendix_i_commercial": N_(
        "Appendix I specimens taken from the wild may not be traded for primarily "
        "commercial purposes."
    ),
    "appendix_i_import_commercial": N_(
        "An import permit for Appendix I specimens cannot be for primarily commercial purposes."
    ),
    "appendix_i_import_permit": N_(
        "Exporting Appendix I specimens needs the import permit of the country of destination "
        "first."
    ),
    "appendix_iii_origin": N_(
        "Appendix III specimens from a Party other than the listing one need a certificate "
        "of origin."
    ),
    "appendix_mismatch": N_("The appendix given differs from the species' current listing."),
    "name_not_found": N_("The scientific name is not in the species reference list."),
    "national_measure": N_("A stricter national measure applies to this species."),
    "not_listed": N_("The species is not listed in the CITES appendices."),
    "quota_exceeded": N_("The quantity exceeds what remains of the export quota."),
    "quota_unit_differs": N_("The quota is set in another unit: it could not be compared."),
    "same_exporter_importer": N_("The exporter and the importer are the same."),
    "source_kingdom": N_("This source code does not apply to this kind of organism."),
    "source_unknown": N_("Source U (unknown) must be justified."),
    "suspension": N_("A CITES recommendation to suspend trade applies."),
    "synonym_used": N_("A synonym was used: the accepted name will be printed."),
    "validity_in_past": N_("The requested validity date is in the past."),
    "validity_too_long": N_("The requested validity is longer than the document allows."),
}
# Errors the services raise, by stable code.
ERRORS = {
    "invalid_transition": N_("This action is not possible in the application's current state."),
    "role_not_allowed": N_("Your role does not allow this action."),
    "application_not_found": N_("This application does not exist or is not yours to see."),
    "permit_not_found": N_("This permit does not exist or is not yours to see."),
    "warnings_not_acknowledged": N_(
        "The checks gave warnings: tick the box to confirm you have read them, then approve."
    ),
    "blocked_by_checks": N_(
        "The compliance checks block this permit; an administrator must override them first."
    ),
    "quota_exceeded": N_("The quota cannot hold this permit any more."),
    "unknown_code": N_("This code is not in the CITES code list."),
    "export_permit_reference_incomplete": N_(
        "Give both the country and the number of the export permit, or neither."
    ),
    "export_permit_reference_not_allowed": N_(
        "An export permit reference is only for an import permit."
    ),
    "import_permit_reference_incomplete": N_(
        "Give both the country and the number of the import permit, or neither."
    ),
    "import_permit_reference_not_allowed": N_(
        "An import permit reference is only for an export permit or re-export certificate."
    ),
    "import_permit_party_mismatch": N_(
        "The import permit must be granted by the country of import."
    ),
    "invalid_value": N_("A value cannot be stored."),
    "user_exists": N_("A user with this name exists already: choose another name."),
    "organisation_required": N_("A trader must belong to an organisation: choose it."),
    "organisation_not_allowed": N_("Only traders belong to an organisation: choose None."),
    "organisation_not_found": N_("This organisation does not exist."),
    "cannot_disable_self": N_("You cannot disable your own account."),
    "user_not_found": N_("No user has this name."),
    "user_disabled": N_("This user is disabled: enable the account first."),
    "own_party": N_("This is this service's own Party, not a peer."),
    "peer_exists": N_("This Party is a peer already."),
    "insecure_endpoint": N_("The address must start with https:// and name a public host."),
    "invalid_certificate": N_("This is not a certificate in PEM form."),
    "certificate_exists": N_("This certificate is registered already."),
    "invalid_state": N_("A new certificate is either active or pending."),
    "organisation_exists": N_("An organisation with this name exists already."),
    "taxon_not_found": N_(
        "This name is not an accepted name or synonym in the reference data: choose a suggestion."
    ),
    "invalid_dates": N_("The last day cannot be before the first day."),
    "measure_withdrawn": N_("This measure has been withdrawn already."),
}
# Pydantic's error types, for the form fields.
FIELD_ERRORS = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This text is too long."),
    "decimal_parsing": N_("Enter a number, such as 12 or 2.5."),
    "greater_than": N_("Enter a quantity greater than zero."),
    "decimal_max_digits": N_("This number has too many digits."),
    "decimal_max_places": N_("Use at most three decimal places."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "literal_error": N_("Choose one of the options."),
    "too_short": N_("Add at least one species line."),
    "too_long": N_("An application has at most 26 lines."),
}
SCIENTIFIC_NAME_ERROR = N_(
    "Enter a taxon name such as Panthera leo, Python regius or Aloe spp. (no author)."
)
OTHER_SUBTYPE_REQUIRED = N_("Choose the kind of certificate.")
OTHER_SUBTYPE_NOT_ALLOWED = N_("The kind of certificate is only for document type Other.")
GENERIC_FIELD_ERROR = N_("This value is not valid.")
GENERIC_ERROR = N_("The request could not be completed.")
AUDIT_ACTIONS = {
    "application.create": N_("Application started"),
    "application.edit": N_("Application changed"),
    "application.submit": N_("Submitted"),
    "application.withdraw": N_("Withdrawn"),
    "application.approve": N_("Approved"),
    "application.refuse": N_("Refused"),
    "application.return": N_("Returned for changes"),
    "application.issue": N_("Permit issued"),
    "checks.override": N_("Checks overridden"),
}
ROLES = {
    "trader": N_("Trader"),
    "officer": N_("Officer"),
    "customs": N_("Customs"),
    "admin": N_("Administrator"),
}
# Messages after a completed action (the ?done= of the page redirected to).
DONE = {
    "saved": N_("The draft has been saved."),
    "submitted": N_("The application has been submitted."),
    "withdrawn": N_("The application has been withdrawn."),
    "approved": N_("The application has been approved."),
    "refused": N_("The application has been refused."),
    "returned": N_("The application has been returned to the applicant."),
    "issued": N_("The permit has been issued."),
    "cancelled": N_("The permit has been cancelled."),
    "replaced": N_("The permit has been replaced by a new one."),
    "signed_out": N_("You have signed out."),
    "requeued": N_("The message will be sent again."),
    "checks_overridden": N_(
        "The blocking check results have been overridden: the permit can be issued."
    ),
    "permit_requested": N_("The permit has been received from its issuing Party and verified."),
    "user_created": N_("The user has been created."),
    "user_disabled": N_(
        "The user has been disabled: they can no longer sign in or use their keys."
    ),
    "user_enabled": N_("The user has been enabled."),
    "key_revoked": N_("The API key has been revoked: it no longer works."),
    "peer_added": N_("The peer has been added. Add the certificates it signs its permits with."),
    "peer_suspended": N_("The exchange with this peer is suspended."),
    "peer_active": N_("The exchange with this peer has resumed."),
    "certificate_added": N_("The certificate has been added."),
    "certificate_changed": N_("The certificate's state has been changed."),
    "organisation_created": N_("The organisation has been registered."),
    "measure_added": N_("The measure has been added: the checks now apply it."),
    "measure_withdrawn": N_("The measure has been withdrawn: the checks no longer apply it."),
}
# The form field each cross-field error concerns.
ERROR_FIELDS = {
    "export_permit_reference_not_allowed": "export_permit_party",
    "import_permit_reference_not_allowed": "import_permit_party",
    "import_permit_party_mismatch": "import_permit_party",
}
OUTBOX_STATES = {
    "pending": N_("Waiting to be sent"),
    "sending": N_("Being sent"),
    "delivered": N_("Delivered"),
    "dead": N_("Not delivered (gave up)"),
}
MESSAGE_TYPES = {
    "PERMIT_ISSUED": N_("Issued permit"),
    "PERMIT_STATUS": N_("Change of a permit's state"),
    "PERMIT_REQUEST": N_("Request for a permit"),
    "webhook": N_("Notification"),
}
PEER_STATES = {"active": N_("Active"), "suspended": N_("Suspended")}
CERTIFICATE_STATES = {
    "pending": N_("Pending approval"),
    "active": N_("Active"),
    "retiring": N_("Retiring (verifies earlier permits only)"),
    "revoked": N_("Revoked"),
}
