# The Debian package (issue 18): `cpack -G DEB` in the build directory
# (scripts/package.sh) makes build/schakel_VERSION_ARCH.deb with
#   /usr/bin/schakel, the unit /usr/lib/systemd/system/schakel.service,
#   the national guideline in /usr/share/schakel, the example region and a
#   schakel.json for the package's paths in /usr/share/doc/schakel/examples,
#   the operator's documentation and the OpenAPI contract in /usr/share/doc/schakel;
# its maintainer scripts (packaging/) make the schakel user, /etc/schakel
# (root:schakel 0750) and /var/lib/schakel (schakel 0750).
install(TARGETS schakel RUNTIME DESTINATION bin)
install(FILES packaging/schakel.service DESTINATION lib/systemd/system)
install(FILES config/guideline.json DESTINATION share/schakel)
install(FILES packaging/schakel.json config/example-region/region.json config/dev-pki.sh
        DESTINATION share/doc/schakel/examples)
install(DIRECTORY config/example-region/messages DESTINATION share/doc/schakel/examples)
install(FILES README.md SECURITY.md docs/operations.md docs/openapi.json
        DESTINATION share/doc/schakel)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME schakel)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Schakel maintainers <schakel@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "privacy-preserving data-exchange gateway for Zorg en Veiligheid")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
