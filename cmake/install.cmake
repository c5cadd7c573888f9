# Installs ort-lite as a CMake package (find_package(ort_lite) -> ort_lite::ort_lite) and a
# pkg-config module (ort_lite.pc). The library is a set of static archives: ort_lite (the
# Session facade) and the internal ones it links, whose own dependencies (oneDNN, protobuf,
# ONNX's protos, libzip, fmt, OpenMP) the package config finds again in the consumer's build.
include(CMakePackageConfigHelpers)

set(ORTL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ort_lite)
# The archives in link order (each after those that use it).
set(ORTL_ARCHIVES ort_lite ort_lite_rewrites ort_lite_importers ort_lite_ops ort_lite_onednn
    ort_lite_op_semantics ort_lite_core)

install(DIRECTORY runtime/include/ort_lite importers/include/ort_lite
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(TARGETS ${ORTL_ARCHIVES} EXPORT ort_liteTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ort_liteTargets NAMESPACE ort_lite:: DESTINATION ${ORTL_CMAKE_DIR})
configure_package_config_file(cmake/ort_liteConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/ort_liteConfig.cmake
                              INSTALL_DESTINATION ${ORTL_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ort_liteConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ort_liteConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/ort_liteConfigVersion.cmake
        DESTINATION ${ORTL_CMAKE_DIR})

list(TRANSFORM ORTL_ARCHIVES PREPEND "-l" OUTPUT_VARIABLE ORTL_PC_LIBS)
list(JOIN ORTL_PC_LIBS " " ORTL_PC_LIBS)
configure_file(cmake/ort_lite.pc.in ${CMAKE_CURRENT_BINARY_DIR}/ort_lite.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ort_lite.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(TARGET ort-lite)
  install(TARGETS ort-lite ort-lite-bench ort-lite-weights
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
