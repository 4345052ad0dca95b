// The R4 element table (policy/fhir_schema.hpp) is what the npm package
// `fhir` says, and lookups find what R4 has and nothing else.
#include "policy/fhir_schema.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "tests/support/paths.hpp"

namespace schakel::policy::fhir {
namespace {

TEST(FhirSchema, IsWhatTheGeneratorMakesFromTheNpmPackage) {
  const std::string command =
      "node '" + (testing::source_dir() / "scripts/make-fhir-schema.js").string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string generated;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) generated.append(buffer, n);
  ASSERT_EQ(::pclose(pipe), 0) << generated;
  EXPECT_EQ(generated, testing::read_file(testing::source_dir() / "policy/fhir_schema_data.inc"))
      << "regenerate: node scripts/make-fhir-schema.js > policy/fhir_schema_data.inc";
}

TEST(FhirSchema, FindsWhatR4HasAndNothingElse) {
  const Element* address = element("Patient", "address");
  ASSERT_NE(address, nullptr);
  EXPECT_TRUE(address->repeats);
  EXPECT_EQ(address->type, "Address");
  const Element* postcode = element(address->type, "postalCode");
  ASSERT_NE(postcode, nullptr);
  EXPECT_EQ(postcode->type, "string");
  EXPECT_FALSE(postcode->repeats);
  EXPECT_TRUE(is_primitive(postcode->type));
  const Element* status = element("Observation", "status");
  ASSERT_NE(status, nullptr);
  EXPECT_TRUE(status->required);
  EXPECT_EQ(element("Patient", "birthdate"), nullptr) << "names are case-sensitive";
  EXPECT_EQ(element("Medication", "code"), nullptr);
  const Element* contact_name = element("Patient.contact", "name");
  ASSERT_NE(contact_name, nullptr) << "backbone elements are owners of their own";
  EXPECT_EQ(contact_name->type, "HumanName");
  for (const auto resource : kAcceptedResources) {
    EXPECT_FALSE(elements_of(resource).empty()) << resource;
  }
}

}  // namespace
}  // namespace schakel::policy::fhir
