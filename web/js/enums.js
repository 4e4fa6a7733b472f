// The API's enumerations the app offers or shows; each value has a message
// key `enum.<kind>.<value>` (tests/web/i18n.test.mjs checks them all).
export const ENUMS = {
  sex: ["F", "M", "X"],
  doc: ["tazkira", "passport", "family_passport", "amayesh", "headcount_slip", "laissez_passer"],
  vuln: [
    "unaccompanied_child", "separated_child", "female_headed_household", "single_parent",
    "older_person_alone", "disability", "serious_medical_condition", "victim_of_trafficking",
  ],
  consent: [
    "data_processing", "programme_participation", "travel", "data_sharing", "medical_examination",
  ],
  rel: [
    "principal", "head", "spouse", "child", "parent", "sibling", "grandchild", "grandparent",
    "other_relative", "other",
  ],
  program: ["AVRR", "RQA", "RESETTLEMENT", "MOVEMENT", "COUNTER_TRAFFICKING"],
  priority: ["low", "normal", "high", "urgent"],
  role: [
    "admin", "supervisor", "caseworker", "medical", "operations", "trainer", "data_officer",
    "partner_viewer",
  ],
  status: [
    "registered", "counselling", "eligibility_review", "eligible", "ineligible", "documentation",
    "travel_ready", "departed", "arrived", "reintegration", "monitoring", "closed", "withdrawn",
    "qualification_review", "matching", "placement_offered", "approved", "in_placement",
    "rejected", "referred", "health_assessment", "cultural_orientation", "fit_to_travel",
    "booked", "identified", "screening", "protection", "return_or_integration", "follow_up",
  ],
  // languages offered on the registration form (ISO 639-3)
  lang: ["prs", "fas", "pus", "haz", "uzb", "tuk", "bal", "urd", "ara", "eng"],
  // countries with a translated name; the rest show the ISO name
  country: ["AFG", "IRN", "PAK", "IRQ", "TUR", "TJK", "TKM", "UZB", "DEU", "SWE", "CAN", "AUS",
    "GBR", "USA"],
};

export const HOUSEHOLD_RELATIONSHIPS = ENUMS.rel.filter((r) => r !== "principal");
// relationships a member other than the principal may have in a case
export const CASE_MEMBER_RELATIONSHIPS = ENUMS.rel.filter((r) => r !== "principal" && r !== "head");
export const TRAVEL_DOCUMENTS = ["passport", "family_passport", "laissez_passer"];
