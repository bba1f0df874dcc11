# KubeppLabs.cmake — components, and how lab files are swapped in and out of a link.
#
# The reference sources mark each lab's region around whole functions (`//> lab01 …`,
# `//< lab01`). A source file with such a region is a *lab file*: it is compiled on its
# own, once per variant, so that a link can take either
#   reference  the file as it is in runtime/ or cluster/,
#   starter    the stubbed file that labs/tools/labgen.py generates into the build tree
#              (what labs/NN-*/ holds before a student touches it),
#   student    the student's file in labs/NN-*/.
# Every other source of a component goes into the component's static library, compiled
# once for all links. So a lab's test binary recompiles only its own few files — never a
# second full build.
#
#   kubepp_component(NAME SOURCES f.cpp… [LIBS lib…])   a library of runtime/ or cluster/
#   kubepp_link(TARGET [LAB NN VARIANT starter|student]) links every component into TARGET,
#                                                        with lab NN's files in the variant
#
# In the student edition (labs/export) the reference itself is stubbed, so a student link
# takes every other lab's files from the student's own labs/MM-*/ too: lab 04's parser
# checks keys with lab 03's functions, and must find the student's, not stubs.

set(KUBEPP_LABGEN ${CMAKE_SOURCE_DIR}/labs/tools/labgen.py)
set(KUBEPP_STUDENT_EDITION FALSE)
if(EXISTS ${CMAKE_SOURCE_DIR}/.student-edition)
  set(KUBEPP_STUDENT_EDITION TRUE)
endif()

# The lab numbers and directories (labs/NN-topic), read once at configure time.
function(kubepp_lab_dir nn out)
  file(GLOB dirs LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/labs/${nn}-*)
  list(LENGTH dirs n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "lab ${nn}: expected exactly one directory labs/${nn}-*, found ${n}")
  endif()
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${dirs})
  set(${out} ${rel} PARENT_SCOPE)
endfunction()

function(kubepp_mangle path out)
  string(REGEX REPLACE "[/.]" "_" m ${path})
  set(${out} ${m} PARENT_SCOPE)
endfunction()

function(kubepp_component name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  set(plain)
  foreach(src ${A_SOURCES})
    set(abs ${CMAKE_CURRENT_SOURCE_DIR}/${src})
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${abs})
    file(STRINGS ${abs} marks REGEX "^[ \t]*//> lab[0-9][0-9] ")
    if(marks)
      set_property(GLOBAL APPEND PROPERTY KUBEPP_LAB_FILES ${rel})
      set_property(GLOBAL PROPERTY KUBEPP_LAB_FILE_COMPONENT_${rel} kubepp_${name})
      set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${abs})
    else()
      list(APPEND plain ${src})
    endif()
  endforeach()
  add_library(kubepp_${name} STATIC ${plain})
  target_link_libraries(kubepp_${name} PUBLIC ${A_LIBS})
  set_property(GLOBAL APPEND PROPERTY KUBEPP_COMPONENTS kubepp_${name})
endfunction()

# The object library of one lab file in one variant, created on first use.
function(kubepp_lab_object rel variant nn out)
  kubepp_mangle(${rel} m)
  if(variant STREQUAL "reference")
    set(target kubepp_ref_${m})
    set(src ${CMAKE_SOURCE_DIR}/${rel})
  else()
    set(target kubepp_lab${nn}_${variant}_${m})
    kubepp_lab_dir(${nn} labdir)
    if(variant STREQUAL "starter")
      set(src ${CMAKE_BINARY_DIR}/labs-gen/${labdir}/${rel})
      add_custom_command(OUTPUT ${src}
        COMMAND ${Python3_EXECUTABLE} ${KUBEPP_LABGEN} stub --lab ${nn} ${CMAKE_SOURCE_DIR}/${rel} -o ${src}
        DEPENDS ${CMAKE_SOURCE_DIR}/${rel} ${KUBEPP_LABGEN}
        COMMENT "Generating the lab ${nn} starter of ${rel}")
    else()
      set(src ${CMAKE_SOURCE_DIR}/${labdir}/${rel})
    endif()
  endif()
  if(NOT TARGET ${target})
    get_property(component GLOBAL PROPERTY KUBEPP_LAB_FILE_COMPONENT_${rel})
    add_library(${target} OBJECT ${src})
    # The component's usage requirements (include dirs, definitions of its libraries).
    target_link_libraries(${target} PRIVATE ${component})
  endif()
  set(${out} ${target} PARENT_SCOPE)
endfunction()

# The lab files of lab NN, from the generator (the one reader of the markers).
function(kubepp_lab_files nn out)
  execute_process(COMMAND ${Python3_EXECUTABLE} ${KUBEPP_LABGEN} files ${nn}
                  OUTPUT_VARIABLE files RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "labgen.py files ${nn} failed")
  endif()
  string(REPLACE "\n" ";" files "${files}")
  set(${out} ${files} PARENT_SCOPE)
endfunction()

# The lab whose labs/NN-*/ copy of lab file `rel` holds the student's work: the highest
# lab with a region in it. Read from the generator once.
function(kubepp_lab_of_file rel out)
  get_property(read GLOBAL PROPERTY KUBEPP_LAB_OWNERS_READ)
  if(NOT read)
    execute_process(COMMAND ${Python3_EXECUTABLE} ${KUBEPP_LABGEN} labs
                    OUTPUT_VARIABLE lines RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "labgen.py labs failed")
    endif()
    string(REPLACE "\n" ";" lines "${lines}")
    foreach(line ${lines})
      string(REGEX MATCH "^[0-9][0-9]" nn "${line}")
      kubepp_lab_files(${nn} files)
      foreach(file ${files})
        set_property(GLOBAL PROPERTY KUBEPP_LAB_OWNER_${file} ${nn})
      endforeach()
    endforeach()
    set_property(GLOBAL PROPERTY KUBEPP_LAB_OWNERS_READ TRUE)
  endif()
  get_property(owner GLOBAL PROPERTY KUBEPP_LAB_OWNER_${rel})
  set(${out} ${owner} PARENT_SCOPE)
endfunction()

function(kubepp_link target)
  cmake_parse_arguments(A "" "LAB;VARIANT" "ONLY" ${ARGN})
  set(swapped)
  if(A_LAB)
    kubepp_lab_files(${A_LAB} swapped)
  endif()
  get_property(lab_files GLOBAL PROPERTY KUBEPP_LAB_FILES)
  foreach(rel ${lab_files})
    get_property(owner GLOBAL PROPERTY KUBEPP_LAB_FILE_COMPONENT_${rel})
    if(A_ONLY AND NOT owner IN_LIST A_ONLY)
      continue()
    endif()
    if(rel IN_LIST swapped)
      kubepp_lab_object(${rel} ${A_VARIANT} ${A_LAB} obj)
    elseif(KUBEPP_STUDENT_EDITION AND A_VARIANT STREQUAL "student")
      kubepp_lab_of_file(${rel} other)  # the student's own copy: the reference is stubbed
      kubepp_lab_object(${rel} student ${other} obj)
    else()
      kubepp_lab_object(${rel} reference "" obj)
    endif()
    target_link_libraries(${target} PRIVATE ${obj})
  endforeach()
  get_property(components GLOBAL PROPERTY KUBEPP_COMPONENTS)
  if(A_ONLY)
    set(components ${A_ONLY})  # a test of a few components links only those
  endif()
  # Components may call into each other and into the lab objects: one link group.
  target_link_libraries(${target} PRIVATE "$<LINK_GROUP:RESCAN,${components}>")
endfunction()
