# What `cmake --install` puts where (GNUInstallDirs), the CMake package
# (find_package(EduCosim)), the pkg-config files, the man pages, the bash
# completion and the Debian package (cpack -G DEB).  The version is the
# project's (project() in the top CMakeLists.txt), in every file below.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(EDU_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/EduCosim)
set(EDU_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/edu-cosim)
set(EDU_INSTALL_RTLDIR ${EDU_INSTALL_DATADIR}/rtl)

# ---- libraries and headers -----------------------------------------------
set_target_properties(edu-model PROPERTIES EXPORT_NAME cmodel)
set_target_properties(edu-tlm PROPERTIES EXPORT_NAME tlm)
set_target_properties(edu-rtl PROPERTIES EXPORT_NAME rtl)
set_target_properties(edu-rtl-models PROPERTIES EXPORT_NAME rtl_models)
install(TARGETS edu-model edu-tlm edu-rtl edu-rtl-models
  EXPORT EduCosimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/c-model/include/edu
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/rtl/sim/include/edu/rtl.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/edu)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tlm-bridge/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/edu-tlm)

# The RTL: the device's SystemVerilog (generated packages included), the
# simulation wrappers, the protocol checkers and their binding, and the
# lint waivers, for the user's own simulator.
install(FILES ${EDU_RTL_SV} ${EDU_RTL_SIM_SV} ${EDU_RTL_CHECK_FILES}
  ${EDU_RTL_WAIVERS}
  DESTINATION ${EDU_INSTALL_RTLDIR})

# ---- the CMake package ---------------------------------------------------
install(EXPORT EduCosimTargets NAMESPACE EduCosim::
  DESTINATION ${EDU_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/EduCosimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/EduCosimConfig.cmake
  INSTALL_DESTINATION ${EDU_INSTALL_CMAKEDIR}
  PATH_VARS EDU_INSTALL_RTLDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/EduCosimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/EduCosimConfig.cmake
  ${PROJECT_BINARY_DIR}/EduCosimConfigVersion.cmake
  DESTINATION ${EDU_INSTALL_CMAKEDIR})

# ---- pkg-config ------------------------------------------------------------
# Relocatable: the prefix is found from where the .pc file is.
file(RELATIVE_PATH EDU_PC_TO_PREFIX
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
foreach(pc edu-cmodel edu-tlm edu-rtl)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in
    ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

# ---- programs, layouts, docs -----------------------------------------------
install(TARGETS edu-tb edu-demo RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/waves/edu.gtkw
  DESTINATION ${EDU_INSTALL_DATADIR}/waves)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- man pages and completion ------------------------------------------------
# edu-tb(1) is made from edu-tb's own --help (scripts/edu-tb-man.sh), so
# the two cannot drift; edu-cosim(7) is the overview.
find_program(EDU_HELP2MAN help2man)
if(NOT EDU_HELP2MAN)
  message(FATAL_ERROR "help2man is needed for the man page "
                      "(scripts/deps.sh build installs it)")
endif()
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/man/edu-tb.1
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/edu-tb-man.sh $<TARGET_FILE:edu-tb>
          ${PROJECT_BINARY_DIR}/man/edu-tb.1
  DEPENDS edu-tb ${PROJECT_SOURCE_DIR}/scripts/edu-tb-man.sh
  COMMENT "Writing the edu-tb(1) man page from edu-tb --help")
add_custom_target(edu-man ALL DEPENDS ${PROJECT_BINARY_DIR}/man/edu-tb.1)
install(FILES ${PROJECT_BINARY_DIR}/man/edu-tb.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/edu-cosim.7
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man7)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/edu-tb
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# ---- the Debian package (cpack -G DEB in the build tree) -------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME edu-cosim)
set(CPACK_PACKAGE_VENDOR "edu-cosim")
set(CPACK_PACKAGE_CONTACT "edu-cosim developers <edu-cosim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "co-simulation kit for QEMU's edu PCI device: C model, SystemC TLM, RTL")
set(CPACK_PACKAGE_INSTALL_DIRECTORY edu-cosim)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The programs' shared libraries (libsystemc, libstdc++, libc) found by
# dpkg-shlibdeps; building against the static libraries needs SystemC's
# headers; the qemu backend runs QEMU.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "pkg-config")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libsystemc-dev, qemu-system-x86")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gtkwave, verilator")
include(CPack)
