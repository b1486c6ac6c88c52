# `cmake --install` puts headers, the library and a CMake package (find_package(rerank)).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The emulator's headers (include/rerank/emulator/) go with its library only:
# RERANK_INSTALL_EMULATOR installs both, as rerank::emulator.
option(RERANK_INSTALL_EMULATOR "Install the emulator library (rerank::emulator) and its headers" OFF)
set(installed_targets rerank rerank_compile_options)
if(RERANK_INSTALL_EMULATOR AND TARGET rerank_emulator)
    list(APPEND installed_targets rerank_emulator)
    set_target_properties(rerank_emulator PROPERTIES EXPORT_NAME emulator)
    install(DIRECTORY include/rerank DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
else()
    install(DIRECTORY include/rerank DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} PATTERN emulator EXCLUDE)
endif()
# The Prometheus exporter, when built, as rerank::prometheus (its package then needs prometheus-cpp).
set(RERANK_OPTIONAL_DEPENDENCIES "")
if(TARGET rerank_prometheus)
    list(APPEND installed_targets rerank_prometheus)
    install(DIRECTORY src/prometheus/include/rerank DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    set(RERANK_OPTIONAL_DEPENDENCIES "find_dependency(prometheus-cpp CONFIG)")
endif()
install(TARGETS ${installed_targets} EXPORT rerankTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET rerank-emulator)
    install(TARGETS rerank-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(EXPORT rerankTargets NAMESPACE rerank:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rerank)
configure_package_config_file(cmake/rerankConfig.cmake.in
    ${PROJECT_BINARY_DIR}/rerankConfig.cmake
    INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rerank)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rerankConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/rerankConfig.cmake ${PROJECT_BINARY_DIR}/rerankConfigVersion.cmake
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rerank)
if(TARGET rerank-cli)
    install(TARGETS rerank-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
